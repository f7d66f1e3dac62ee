#ifndef AILoad_FramingError_INCLUDED
#define AILoad_FramingError_INCLUDED

#include <Poco/Net/NetException.h>

namespace AILoad {

class FramingError final: public Poco::Net::MessageException
	/// An HTTP message that breaks the framing rules of docs/reliability.md ("Strict HTTP"),
	/// with the status a server answers it with (400, 501 or 505). From an upstream, any of
	/// them makes the answer unusable and ends the connection.
{
public:
	FramingError(const std::string& message, int status = 400);

	int status() const;
		/// 400 malformed, 501 a transfer coding other than chunked, 505 another HTTP version.

	const char* name() const noexcept override;
	Poco::Exception* clone() const override;
	void rethrow() const override;

private:
	int _status;
};

} // namespace AILoad

#endif
