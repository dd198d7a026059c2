"""Onedata error bodies, shaped like the real 21.02 servers send them.

Every error the zone answers with is an ``OdError``: an HTTP status plus the
body ``{"error": {"id", "description", "details"?}}`` (ENDPOINTS.md 11.1).
Ids, HTTP codes and description wording follow the official error
definitions (errors/**.yaml in the API reference data); nested errors
(``unauthorized.details.authError``, ``badValueToken.details.tokenError``)
carry the inner error's JSON and append its description.
"""

import json
import secrets


class BareStatus(Exception):
    """A status answered with no body, as the real servers do for 405, 415
    and unknown routes (cowboy answers those before any Onedata logic)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class OdError(Exception):
    def __init__(self, status, error_id, description, details=None):
        super().__init__(description)
        self.status = status
        self.error_id = error_id
        self.description = description
        self.details = details

    def json(self):
        err = {"id": self.error_id, "description": self.description}
        if self.details is not None:
            err["details"] = self.details
        return err

    def body(self):
        return json.dumps({"error": self.json()}, ensure_ascii=False,
                          separators=(",", ":")).encode()


def _nested(outer_status, outer_id, prefix, key, inner, extra=None):
    details = dict(extra or {})
    details[key] = inner.json()
    return OdError(outer_status, outer_id, prefix + inner.description, details)


# -- authentication and tokens -----------------------------------------------

def unauthorized(auth_error=None):
    """401; the real cause, when there is one, is in details.authError."""
    if auth_error is None:
        return OdError(401, "unauthorized",
                       "You must authenticate yourself to perform this "
                       "operation: no details available.")
    return _nested(401, "unauthorized",
                   "You must authenticate yourself to perform this operation: ",
                   "authError", auth_error)


def bad_token():
    return OdError(400, "badToken",
                   "Provided token could not be decoded by the server. Make "
                   "sure there are no missing or superfluous characters in "
                   "the token string.")


def token_invalid():
    return OdError(400, "tokenInvalid",
                   "Provided token was correctly decoded, but it is not (or "
                   "no longer) valid.")


def token_revoked():
    return OdError(400, "tokenRevoked",
                   "Provided token has been revoked by the token subject "
                   "(creator).")


def token_caveat_unverified(caveat, caveat_text):
    return OdError(400, "tokenCaveatUnverified",
                   "Provided token is not valid: %s." % caveat_text,
                   {"caveat": caveat})


def user_not_supported():
    return OdError(403, "userNotSupported",
                   "Authenticated user is not supported by this Oneprovider "
                   "(none of the user's spaces is supported by the "
                   "Oneprovider).")


def bad_value_token(key, token_error):
    return _nested(400, "badValueToken",
                   'Bad value: provided "%s" is not a valid token: ' % key,
                   "tokenError", token_error, {"key": key})


def forbidden():
    return OdError(403, "forbidden",
                   "You are not authorized to perform this operation.")


# -- entities ----------------------------------------------------------------

def not_found():
    return OdError(404, "notFound", "The requested resource could not be found.")


def posix(errno):
    return OdError(400, "posix", "Operation failed with POSIX error: %s." % errno,
                   {"errno": errno})


def space_not_supported_by(space_id, provider_id):
    return OdError(400, "spaceNotSupportedBy",
                   'Specified space: "%s" is not supported by provider "%s".'
                   % (space_id, provider_id),
                   {"spaceId": space_id, "providerId": provider_id})


def transfer_already_ended():
    return OdError(400, "transferAlreadyEnded", "Specified transfer has already ended.")


def transfer_not_ended():
    return OdError(400, "transferNotEnded", "Specified transfer has not ended yet.")


def view_not_exists_on(provider_id):
    return OdError(400, "viewNotExistsOn",
                   'Specified database view does not exist on provider "%s".'
                   % provider_id, {"providerId": provider_id})


def invalid_qos_expression(reason):
    return OdError(400, "invalidQosExpression", "Invalid QoS expression: %s." % reason,
                   {"reason": reason})


def dir_stats_disabled_for_space():
    return OdError(400, "dirStatsDisabledForSpace",
                   "Directory statistics collection is disabled for this space.")


def dir_stats_not_ready():
    return OdError(400, "dirStatsNotReady",
                   "Requested directory statistics are not ready yet; "
                   "calculation is in progress.")


def already_exists():
    return OdError(409, "alreadyExists", "The resource already exists.")


def forbidden_for_current_archive_state(current, allowed):
    """Details JSON-encoded, as op-worker's to_json writes them."""
    return OdError(400, "forbiddenForCurrentArchiveState",
                   "This operation is forbidden while the archive state is %s. "
                   "Allowed states are: %s." % (current, ", ".join(allowed)),
                   {"allowedStates": json.dumps(list(allowed)),
                    "currentState": json.dumps(current)})


def recall_target_conflict():
    return OdError(400, "recallTargetConflict",
                   "Conflict: recall target cannot be within a directory that is "
                   "being recalled.")


# -- request data validation -------------------------------------------------

def malformed_data():
    return OdError(400, "malformedData",
                   "Malformed data; the request data could not be understood "
                   "by the server.")


def missing_required_value(key):
    return OdError(400, "missingRequiredValue",
                   'The request data was missing a required value for "%s".' % key,
                   {"key": key})


def bad_data(key, hint):
    return OdError(400, "badData",
                   'Bad value provided for "%s": %s.' % (key, hint),
                   {"key": key, "hint": hint})


def bad_data_key(key):
    """badData without a hint (ctool's ?ERROR_BAD_DATA(Key))."""
    return OdError(400, "badData",
                   'Bad value: provided "%s" has an invalid format or is '
                   'incomprehensible in the context of this operation.' % key,
                   {"key": key})


def missing_at_least_one_value(keys):
    return OdError(400, "missingAtLeastOneValue",
                   "The request data was missing some values; you must provide at "
                   "least one of: %s." % ", ".join(keys), {"keys": list(keys)})


def bad_value_list_not_allowed(key, allowed):
    return OdError(400, "badValueListNotAllowed",
                   'Bad value: provided "%s" must be a list containing zero or more '
                   'following values: %s.' % (key, ", ".join(allowed)),
                   {"key": key, "allowed": list(allowed)})


def bad_value_empty(key):
    return OdError(400, "badValueEmpty",
                   'Bad value: provided "%s" must not be empty.' % key,
                   {"key": key})


def bad_value_integer(key):
    return OdError(400, "badValueInteger",
                   'Bad value: provided "%s" must be an integer.' % key,
                   {"key": key})


def bad_value_boolean(key):
    return OdError(400, "badValueBoolean",
                   'Bad value: provided "%s" must be a boolean value.' % key,
                   {"key": key})


def bad_value_string(key):
    return OdError(400, "badValueString",
                   'Bad value: provided "%s" must be a string.' % key,
                   {"key": key})


def bad_value_list_of_strings(key):
    return OdError(400, "badValueListOfStrings",
                   'Bad value: provided "%s" must be a list of strings.' % key,
                   {"key": key})


def bad_value_json(key):
    return OdError(400, "badValueJSON",
                   'Bad value: provided "%s" must be a valid JSON.' % key,
                   {"key": key})


def bad_value_too_low(key, limit):
    return OdError(400, "badValueTooLow",
                   'Bad value: provided "%s" must be at least %d.' % (key, limit),
                   {"key": key, "limit": limit})


def tsc_missing_layout(missing):
    """timeSeriesCollectionMissingLayout: {time series: [metric names]}."""
    text = ", ".join("%s -> [%s]" % (name, ", ".join(metrics))
                     for name, metrics in missing.items())
    return OdError(400, "timeSeriesCollectionMissingLayout",
                   "The request refers to a layout that is not reflected in the "
                   "time series collection; the following part of the layout is "
                   "missing (time series name -> metric names): %s." % text,
                   {"missingLayout": missing})


def bad_value_identifier(key):
    return OdError(400, "badValueIdentifier",
                   'Bad value: provided "%s" must be a valid identifier.' % key,
                   {"key": key})


def bad_value_id_not_found(key):
    return OdError(400, "badValueIdNotFound",
                   'Bad value: provided ID ("%s") does not exist.' % key,
                   {"key": key})


def bad_value_xml(key):
    return OdError(400, "badValueXML",
                   'Bad value: provided "%s" must be a valid XML.' % key,
                   {"key": key})


def bad_value_not_in_range(key, low, high):
    return OdError(400, "badValueNotInRange",
                   'Bad value: provided "%s" must be between <%d, %d>.'
                   % (key, low, high),
                   {"key": key, "low": low, "high": high})


def bad_value_not_allowed(key, allowed):
    return OdError(400, "badValueNotAllowed",
                   'Bad value: provided "%s" must be one of: %s.'
                   % (key, ", ".join(allowed)),
                   {"key": key, "allowed": list(allowed)})


def not_supported():
    """What the Oneprovider answers to an operation it does not offer for
    the given id, e.g. a write or a statistic through a share-scoped id."""
    return OdError(400, "notSupported", "This operation is not supported.")


# -- relations (Onezone) -------------------------------------------------------

def relation_already_exists(child_type, child_id, parent_type, parent_id):
    return OdError(409, "relationAlreadyExists",
                   "Bad value: %s:%s is already a member of %s:%s."
                   % (child_type, child_id, parent_type, parent_id),
                   {"childType": child_type, "childId": child_id,
                    "parentType": parent_type, "parentId": parent_id})


def cannot_remove_last_owner(entity_type, entity_id):
    return OdError(400, "cannotRemoveLastOwner",
                   "Cannot remove the last owner; another owner must be assigned "
                   "first. Ownership can be granted to any direct or effective "
                   "member user.", {"entityType": entity_type, "entityId": entity_id})


NAME_REQUIREMENTS = (
    "Name must be 2-50 characters long and composed only of UTF-8 letters, "
    "digits, brackets and underscores. Dashes, spaces and dots are allowed "
    "(but not at the beginning or the end).")


def bad_value_name(key):
    return OdError(400, "badValueName",
                   'Bad value provided for "%s": %s' % (key, NAME_REQUIREMENTS),
                   {"key": key})


# -- service state -----------------------------------------------------------

def internal_server_error(reference=None):
    reference = reference or secrets.token_hex(16)
    return OdError(500, "internalServerError",
                   "The server has encountered an error while processing this "
                   "request. If the problem persists, please contact the "
                   'site\'s administrators, citing the following reference: '
                   '"%s".' % reference,
                   {"reference": reference})


def not_implemented():
    return OdError(501, "notImplemented", "This operation is not implemented.")


def service_unavailable():
    return OdError(503, "serviceUnavailable",
                   "The service required for this operation is currently "
                   "unavailable (offline, unreachable, or disrupted).")


def for_status(status):
    """A plausible Onedata error for an HTTP status (fault injection)."""
    by_status = {
        400: malformed_data,
        401: unauthorized,
        403: forbidden,
        404: not_found,
        409: already_exists,
        500: internal_server_error,
        501: not_implemented,
        503: service_unavailable,
    }
    if status in by_status:
        err = by_status[status]()
    elif status >= 500:
        err = internal_server_error()
    else:
        err = malformed_data()
    # Keep the requested status even when the closest id has another code.
    err.status = status
    return err


# -- token management and invitations ------------------------------------------

def bad_value_caveat(caveat):
    return OdError(400, "badValueCaveat",
                   'Bad value: provided caveat is invalid: "%s".'
                   % json.dumps(caveat, separators=(",", ":")), {"caveat": caveat})


def bad_value_token_type(key):
    return OdError(400, "badValueTokenType",
                   'Bad value: provided "%s" must be a valid token type.' % key,
                   {"key": key})


def bad_value_invite_type(key):
    return OdError(400, "badValueInviteType",
                   'Bad value: provided "%s" must be a valid invite type.' % key,
                   {"key": key})


def bad_value_identifier_occupied(key):
    return OdError(400, "badValueIdentifierOccupied",
                   'Bad value: provided identifier ("%s") is already occupied.' % key,
                   {"key": key})


def bad_value_id_not_found(key):
    return OdError(400, "badValueIdNotFound",
                   'Bad value: provided ID ("%s") does not exist.' % key, {"key": key})


def token_time_caveat_required(max_ttl):
    return OdError(400, "tokenTimeCaveatRequired",
                   "You must specify a time caveat with maximum TTL of %d seconds "
                   "(a time caveat is required for temporary tokens for security "
                   "reasons)." % max_ttl, {"maxTtl": max_ttl})


def not_an_access_token(received, text):
    return OdError(400, "notAnAccessToken",
                   "Expected an access token, but received a(n) %s." % text,
                   {"received": received})


def not_an_invite_token(expected, received, text):
    return OdError(400, "notAnInviteToken",
                   'Expected an invitation token of type "%s", but received a(n) %s.'
                   % (expected, text),
                   {"expectedInviteType": expected, "received": received})


def invite_token_usage_limit_reached():
    return OdError(400, "inviteTokenUsageLimitReached",
                   "The usage limit of this invite token has been reached.")


def invite_token_subject_not_authorized():
    return OdError(400, "inviteTokenSubjectNotAuthorized",
                   "The token subject (creator) is not (or no longer) authorized "
                   "to issue such invitations.")


def invite_token_target_id_invalid(target_id):
    return OdError(400, "inviteTokenTargetIdInvalid",
                   'The target ID "%s" is invalid for this type of invite token.'
                   % target_id, {"id": target_id})


def relation_already_exists(child_type, child_id, parent_type, parent_id):
    return OdError(409, "relationAlreadyExists",
                   "Bad value: %s:%s is already a member of %s:%s."
                   % (child_type, child_id, parent_type, parent_id),
                   {"childType": child_type, "childId": child_id,
                    "parentType": parent_type, "parentId": parent_id})
