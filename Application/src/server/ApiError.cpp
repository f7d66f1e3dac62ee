#include "ApiError.h"

namespace AILoad {

namespace {

using Poco::Net::HTTPResponse;

struct Entry
{
	HTTPResponse::HTTPStatus status;
	const char* type;
	const char* code;
	bool retrySoon;
};

// In the order of ApiError::Kind.
const Entry catalogue[] = {
	{HTTPResponse::HTTP_UNAUTHORIZED, "invalid_request_error", "invalid_api_key", false},
	{HTTPResponse::HTTP_BAD_REQUEST, "invalid_request_error", "invalid_json", false},
	{HTTPResponse::HTTP_BAD_REQUEST, "invalid_request_error", "invalid_request", false},
	{HTTPResponse::HTTP_BAD_REQUEST, "invalid_request_error", "invalid_model", false},
	{HTTPResponse::HTTP_BAD_REQUEST, "invalid_request_error", "invalid_http", false},
	{HTTPResponse::HTTP_BAD_REQUEST, "invalid_request_error", "incomplete_body", false},
	{HTTPResponse::HTTP_BAD_REQUEST, "invalid_request_error", "invalid_path", false},
	{HTTPResponse::HTTP_NOT_FOUND, "invalid_request_error", "model_not_found", false},
	{HTTPResponse::HTTP_NOT_FOUND, "invalid_request_error", "unknown_path", false},
	{HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "invalid_request_error", "method_not_allowed", false},
	{HTTPResponse::HTTP_REQUEST_TIMEOUT, "invalid_request_error", "request_timeout", false},
	{HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "invalid_request_error", "request_too_large", false},
	{HTTPResponse::HTTP_TOO_MANY_REQUESTS, "rate_limit_error", "rate_limited", false},
	{HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "server_error", "internal_error", false},
	{HTTPResponse::HTTP_NOT_IMPLEMENTED, "invalid_request_error", "unsupported_transfer_encoding", false},
	{HTTPResponse::HTTP_BAD_GATEWAY, "upstream_error", "upstream_unavailable", false},
	{HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "server_error", "overloaded", true},
	{HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "rate_limit_error", "too_many_connections", true},
	{HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "server_error", "shutting_down", false},
	{HTTPResponse::HTTP_GATEWAY_TIMEOUT, "upstream_error", "upstream_timeout", false},
	{HTTPResponse::HTTP_VERSION_NOT_SUPPORTED, "invalid_request_error", "invalid_http", false},
	{HTTPResponse::HTTP_LOOP_DETECTED, "invalid_request_error", "loop_detected", false},
	{HTTPResponse::HTTP_BAD_GATEWAY, "upstream_error", "upstream_disconnected", false},
};

static_assert(sizeof(catalogue) / sizeof(catalogue[0]) == ApiError::UpstreamDisconnected + 1, "one entry for each ApiError::Kind");

} // namespace


Poco::Net::HTTPResponse::HTTPStatus ApiError::status(Kind kind)
{
	return catalogue[kind].status;
}


const char* ApiError::type(Kind kind)
{
	return catalogue[kind].type;
}


const char* ApiError::code(Kind kind)
{
	return catalogue[kind].code;
}


bool ApiError::retrySoon(Kind kind)
{
	return catalogue[kind].retrySoon;
}

} // namespace AILoad
