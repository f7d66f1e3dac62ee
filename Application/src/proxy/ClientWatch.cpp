#include "ClientWatch.h"

namespace AILoad {

ClientWatch::ClientWatch(const Poco::Net::StreamSocket& client):
	_client(client)
{
}


int ClientWatch::fd() const
{
	return _watching && _client.impl()->initialized() ? static_cast<int>(_client.impl()->sockfd()) : -1;
}


bool ClientWatch::readableMeansGone()
{
	try
	{
		if (_client.available() > 0)
		{
			_watching = false;
			return false;
		}
	}
	catch (Poco::Exception&)
	{
	}
	return true;
}

} // namespace AILoad
