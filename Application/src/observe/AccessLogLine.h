#ifndef AILoad_AccessLogLine_INCLUDED
#define AILoad_AccessLogLine_INCLUDED

#include "RequestRecord.h"
#include <string>

namespace AILoad {

class AccessLogLine
	/// One request as one JSON object on one line, the format of docs/observability.md
	/// ("Access log"). Unknown values are null.
{
public:
	static std::string format(const RequestRecord& record);

	static void appendTo(std::string& line, const RequestRecord& record);
		/// The same, appended to `line`: AccessLog::write() formats into a buffer of the thread's own.
};

} // namespace AILoad

#endif
