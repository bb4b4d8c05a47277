#include "host/prometheus.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace smsdrv::host;

namespace {

smsdrv::metric_sample sample(const char* family, const char* name, smsdrv_metric_kind kind,
                             const char* channel, const char* label, const char* value, double v) {
  return {kind, family, name, "help of " + std::string(family), channel, label, value, v};
}

}  // namespace

TEST_CASE("prometheus: each family once, samples of every driver under it, labels escaped",
          "[prometheus]") {
  driver_metrics a{
      "smsmms",
      {sample("x_total", "x_total", SMSDRV_METRIC_COUNTER, "channel-1", "", "", 3),
       sample("f_total", "f_total", SMSDRV_METRIC_COUNTER, "channel-1", "status", "ESME_RTHROTTLED",
              2),
       sample("lat", "lat_bucket", SMSDRV_METRIC_HISTOGRAM, "channel-1", "le", "0.5", 1),
       sample("lat", "lat_bucket", SMSDRV_METRIC_HISTOGRAM, "channel-1", "le", "+Inf", 2),
       sample("lat", "lat_sum", SMSDRV_METRIC_HISTOGRAM, "channel-1", "", "", 0.75),
       sample("lat", "lat_count", SMSDRV_METRIC_HISTOGRAM, "channel-1", "", "", 2)}};
  driver_metrics b{"other\"one",
                   {sample("x_total", "x_total", SMSDRV_METRIC_COUNTER, "ch\\2", "", "", 1e20),
                    sample("g", "g", SMSDRV_METRIC_GAUGE, "ch\n3", "", "", -1)}};
  CHECK(prometheus_text({a, b}) ==
        "# HELP x_total help of x_total\n"
        "# TYPE x_total counter\n"
        "x_total{driver=\"smsmms\",channel=\"channel-1\"} 3\n"
        "x_total{driver=\"other\\\"one\",channel=\"ch\\\\2\"} 1e+20\n"
        "# HELP f_total help of f_total\n"
        "# TYPE f_total counter\n"
        "f_total{driver=\"smsmms\",channel=\"channel-1\",status=\"ESME_RTHROTTLED\"} 2\n"
        "# HELP lat help of lat\n"
        "# TYPE lat histogram\n"
        "lat_bucket{driver=\"smsmms\",channel=\"channel-1\",le=\"0.5\"} 1\n"
        "lat_bucket{driver=\"smsmms\",channel=\"channel-1\",le=\"+Inf\"} 2\n"
        "lat_sum{driver=\"smsmms\",channel=\"channel-1\"} 0.75\n"
        "lat_count{driver=\"smsmms\",channel=\"channel-1\"} 2\n"
        "# HELP g help of g\n"
        "# TYPE g gauge\n"
        "g{driver=\"other\\\"one\",channel=\"ch\\n3\"} -1\n");
  CHECK(prometheus_text({}).empty());
}
