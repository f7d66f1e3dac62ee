#include "UtcCalendar.h"

namespace AILoad {

Poco::Int64 UtcCalendar::daysOf(int year, int month, int day)
{
	// Years start in March, so that the leap day is the last of its year.
	const Poco::Int64 y = static_cast<Poco::Int64>(year) - (month <= 2 ? 1 : 0);
	const Poco::Int64 era = (y >= 0 ? y : y - 399) / 400;
	const Poco::Int64 yearOfEra = y - era * 400; // 0..399
	const Poco::Int64 dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1; // 0..365
	const Poco::Int64 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
	return era * 146097 + dayOfEra - 719468;
}


UtcCalendar::Date UtcCalendar::dateOf(Poco::Int64 days)
{
	const Poco::Int64 z = days + 719468;
	const Poco::Int64 era = (z >= 0 ? z : z - 146096) / 146097;
	const Poco::Int64 dayOfEra = z - era * 146097; // 0..146096
	const Poco::Int64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365; // 0..399
	const Poco::Int64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // 0..365
	const Poco::Int64 monthIndex = (5 * dayOfYear + 2) / 153; // 0..11, from March
	Date date;
	date.day = static_cast<int>(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
	date.month = static_cast<int>(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
	date.year = static_cast<int>(yearOfEra + era * 400 + (date.month <= 2 ? 1 : 0));
	return date;
}


int UtcCalendar::weekdayOf(Poco::Int64 days)
{
	// 1970-01-01 was a Thursday (4).
	const Poco::Int64 weekday = (days + 4) % 7;
	return static_cast<int>(weekday < 0 ? weekday + 7 : weekday);
}


int UtcCalendar::daysInMonth(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12) return 0;
	if (month != 2) return days[month - 1];
	const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return leap ? 29 : 28;
}


bool UtcCalendar::isValid(int year, int month, int day)
{
	return day >= 1 && day <= daysInMonth(year, month);
}

} // namespace AILoad
