// Boost.URL's sources, compiled once for the whole driver (its header-only mode, Boost 1.81):
// the other files of this module include only its headers.
#include <boost/url/src.hpp>
