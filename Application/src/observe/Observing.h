#ifndef AILoad_Observing_INCLUDED
#define AILoad_Observing_INCLUDED

namespace AILoad {

// False only in a build made to measure what observability costs (CMake option
// AILOAD_OBSERVABILITY=OFF, built by `bench/run.sh observe`): no request counters, access
// log, usage reading or limit headers. Never shipped: /metrics and the log stay empty.
#ifdef AILOAD_WITHOUT_OBSERVABILITY
inline constexpr bool observing = false;
#else
inline constexpr bool observing = true;
#endif

} // namespace AILoad

#endif
