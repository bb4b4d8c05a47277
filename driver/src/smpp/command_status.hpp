// SMPP v3.4 command_status values (§5.1.3, table 5-2): one table yields the constants, their
// spec names and their descriptions, so a status is always reported by the name an operator can
// grep the spec for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smsdrv::smpp {

// X(name, value, description) - names exactly as in the spec, lower-cased for C++.
#define SMSDRV_SMPP_STATUS_MAP(X)                                                               \
  X(esme_rok, 0x00000000, "No Error")                                                           \
  X(esme_rinvmsglen, 0x00000001, "Message Length is invalid")                                   \
  X(esme_rinvcmdlen, 0x00000002, "Command Length is invalid")                                   \
  X(esme_rinvcmdid, 0x00000003, "Invalid Command ID")                                           \
  X(esme_rinvbndsts, 0x00000004, "Incorrect BIND Status for given command")                     \
  X(esme_ralybnd, 0x00000005, "ESME Already in Bound State")                                    \
  X(esme_rinvprtflg, 0x00000006, "Invalid Priority Flag")                                       \
  X(esme_rinvregdlvflg, 0x00000007, "Invalid Registered Delivery Flag")                         \
  X(esme_rsyserr, 0x00000008, "System Error")                                                   \
  X(esme_rinvsrcadr, 0x0000000A, "Invalid Source Address")                                      \
  X(esme_rinvdstadr, 0x0000000B, "Invalid Dest Addr")                                           \
  X(esme_rinvmsgid, 0x0000000C, "Message ID is invalid")                                        \
  X(esme_rbindfail, 0x0000000D, "Bind Failed")                                                  \
  X(esme_rinvpaswd, 0x0000000E, "Invalid Password")                                             \
  X(esme_rinvsysid, 0x0000000F, "Invalid System ID")                                            \
  X(esme_rcancelfail, 0x00000011, "Cancel SM Failed")                                           \
  X(esme_rreplacefail, 0x00000013, "Replace SM Failed")                                         \
  X(esme_rmsgqful, 0x00000014, "Message Queue Full")                                            \
  X(esme_rinvsertyp, 0x00000015, "Invalid Service Type")                                        \
  X(esme_rinvnumdests, 0x00000033, "Invalid number of destinations")                            \
  X(esme_rinvdlname, 0x00000034, "Invalid Distribution List name")                              \
  X(esme_rinvdestflag, 0x00000040, "Destination flag is invalid (submit_multi)")                \
  X(esme_rinvsubrep, 0x00000042, "Invalid 'submit with replace' request")                       \
  X(esme_rinvesmclass, 0x00000043, "Invalid esm_class field data")                              \
  X(esme_rcntsubdl, 0x00000044, "Cannot Submit to Distribution List")                           \
  X(esme_rsubmitfail, 0x00000045, "submit_sm or submit_multi failed")                           \
  X(esme_rinvsrcton, 0x00000048, "Invalid Source address TON")                                  \
  X(esme_rinvsrcnpi, 0x00000049, "Invalid Source address NPI")                                  \
  X(esme_rinvdstton, 0x00000050, "Invalid Destination address TON")                             \
  X(esme_rinvdstnpi, 0x00000051, "Invalid Destination address NPI")                             \
  X(esme_rinvsystyp, 0x00000053, "Invalid system_type field")                                   \
  X(esme_rinvrepflag, 0x00000054, "Invalid replace_if_present flag")                            \
  X(esme_rinvnummsgs, 0x00000055, "Invalid number of messages")                                 \
  X(esme_rthrottled, 0x00000058, "Throttling error (ESME has exceeded allowed message limits)") \
  X(esme_rinvsched, 0x00000061, "Invalid Scheduled Delivery Time")                              \
  X(esme_rinvexpiry, 0x00000062, "Invalid message validity period (Expiry time)")               \
  X(esme_rinvdftmsgid, 0x00000063, "Predefined Message Invalid or Not Found")                   \
  X(esme_rx_t_appn, 0x00000064, "ESME Receiver Temporary App Error Code")                       \
  X(esme_rx_p_appn, 0x00000065, "ESME Receiver Permanent App Error Code")                       \
  X(esme_rx_r_appn, 0x00000066, "ESME Receiver Reject Message Error Code")                      \
  X(esme_rqueryfail, 0x00000067, "query_sm request failed")                                     \
  X(esme_rinvoptparstream, 0x000000C0, "Error in the optional part of the PDU Body")            \
  X(esme_roptparnotallwd, 0x000000C1, "Optional Parameter not allowed")                         \
  X(esme_rinvparlen, 0x000000C2, "Invalid Parameter Length")                                    \
  X(esme_rmissingoptparam, 0x000000C3, "Expected Optional Parameter missing")                   \
  X(esme_rinvoptparamval, 0x000000C4, "Invalid Optional Parameter Value")                       \
  X(esme_rdeliveryfailure, 0x000000FE, "Delivery Failure (used for data_sm_resp)")              \
  X(esme_runknownerr, 0x000000FF, "Unknown Error")

namespace command_status {
#define SMSDRV_SMPP_STATUS_CONST_(name, value, text) inline constexpr std::uint32_t name = value;
SMSDRV_SMPP_STATUS_MAP(SMSDRV_SMPP_STATUS_CONST_)
#undef SMSDRV_SMPP_STATUS_CONST_
}  // namespace command_status

// "ESME_RTHROTTLED"; for values outside the table "0x00000401 (SMSC vendor specific)" style
// names are produced by status_display().
std::string_view status_name(std::uint32_t status) noexcept;  // "" when not in the table
std::string_view status_description(std::uint32_t status) noexcept;
// The value of a spec name, ignoring case ("ESME_RTHROTTLED", "esme_rthrottled"); nullopt when
// the table has no such name.
std::optional<std::uint32_t> status_by_name(std::string_view name) noexcept;

// Always printable: "ESME_RINVDSTADR (0x0000000B: Invalid Dest Addr)" or, for a value not in
// the table, "0x00000401 (SMSC vendor-specific error)" / "0x00000099 (reserved)".
std::string status_display(std::uint32_t status);

}  // namespace smsdrv::smpp
