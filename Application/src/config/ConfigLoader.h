#ifndef AILoad_ConfigLoader_INCLUDED
#define AILoad_ConfigLoader_INCLUDED

#include "GatewayConfig.h"
#include <string>
#include <vector>

namespace AILoad {

class ConfigLoader
	/// Reads and validates data/config.json into a GatewayConfig.
	///
	/// Every problem is reported, not just the first, one line each naming the file and
	/// either the line:column of a syntax error or the JSON path of the value
	/// (`models[2].base_url`) and what was expected. Unknown keys are warnings.
{
public:
	struct Result
	{
		GatewayConfig::Ptr config; /// null when there are problems
		std::vector<std::string> problems;
		std::vector<std::string> warnings;
	};

	static Result load(const std::string& path);
		/// Reads the file; a missing or unreadable file is a problem, and so is anything but a
		/// regular file (a FIFO would block for ever), which is not even opened. Warns about a
		/// base_url that leads back to this gateway (its port is server.port, its host local).

	static Result parse(const std::string& text, const std::string& fileName);
		/// Validates the text; `fileName` is only used in the messages.
};

} // namespace AILoad

#endif
