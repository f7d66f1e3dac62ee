#ifndef AILoad_UpstreamConnector_INCLUDED
#define AILoad_UpstreamConnector_INCLUDED

#include "GatewayConfig.h"
#include "UpstreamSession.h"
#include <Poco/Net/Context.h>
#include <memory>
#include <string>

namespace AILoad {

class UpstreamConnector
	/// Makes the sessions to upstreams, with the TLS settings shared by all of them:
	/// one verifying context (system CA store, plus an optional extra CA file) and one
	/// for the models that say `verify_tls: false`.
{
public:
	explicit UpstreamConnector(const std::string& extraCaLocation = "");

	std::unique_ptr<UpstreamSession> open(const UpstreamConfig& upstream, const GatewayConfig& config) const;
		/// A session with the config's connect and read timeouts; it connects on first use.

private:
	Poco::Net::Context::Ptr _verifying;
	Poco::Net::Context::Ptr _trusting;
};

} // namespace AILoad

#endif
