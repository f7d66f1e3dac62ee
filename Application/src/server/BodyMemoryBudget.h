#ifndef AILoad_BodyMemoryBudget_INCLUDED
#define AILoad_BodyMemoryBudget_INCLUDED

#include <atomic>
#include <cstddef>

namespace AILoad {

class BodyMemoryBudget
	/// Bounds the request bodies held in memory at once, over all requests
	/// (aiload.server.maxBodyMemoryMb): a request that would go beyond it is refused with a
	/// 503, rather than the process growing without bound under many large bodies.
{
public:
	explicit BodyMemoryBudget(std::size_t limit);

	class Reservation
		/// One request's share, given back when it ends.
	{
	public:
		explicit Reservation(BodyMemoryBudget& budget);
		~Reservation();
		Reservation(const Reservation&) = delete;
		Reservation& operator=(const Reservation&) = delete;

		bool grow(std::size_t bytes);
			/// Takes `bytes` more; false (and nothing taken) when the budget has no room.

	private:
		BodyMemoryBudget& _budget;
		std::size_t _held = 0;
	};

private:
	const std::size_t _limit;
	std::atomic<std::size_t> _used{0};
};

} // namespace AILoad

#endif
