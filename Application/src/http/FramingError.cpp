#include "FramingError.h"

namespace AILoad {

FramingError::FramingError(const std::string& message, int status):
	Poco::Net::MessageException(message),
	_status(status)
{
}


int FramingError::status() const
{
	return _status;
}


const char* FramingError::name() const noexcept
{
	return "HTTP framing error";
}


Poco::Exception* FramingError::clone() const
{
	return new FramingError(*this);
}


void FramingError::rethrow() const
{
	throw *this;
}

} // namespace AILoad
