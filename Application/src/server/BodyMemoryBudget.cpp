#include "BodyMemoryBudget.h"

namespace AILoad {

BodyMemoryBudget::BodyMemoryBudget(std::size_t limit):
	_limit(limit)
{
}


BodyMemoryBudget::Reservation::Reservation(BodyMemoryBudget& budget):
	_budget(budget)
{
}


BodyMemoryBudget::Reservation::~Reservation()
{
	_budget._used -= _held;
}


bool BodyMemoryBudget::Reservation::grow(std::size_t bytes)
{
	std::size_t used = _budget._used.load();
	do
	{
		if (used + bytes > _budget._limit) return false;
	} while (!_budget._used.compare_exchange_weak(used, used + bytes));
	_held += bytes;
	return true;
}

} // namespace AILoad
