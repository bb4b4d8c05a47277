// prometheus.hpp - the drivers' metrics (ABI 1.1, docs/metrics.md) in the Prometheus text
// exposition format, version 0.0.4:
//
//   # HELP smsdrv_submit_sm_sent_total submit_sm PDUs written to the SMSC (...)
//   # TYPE smsdrv_submit_sm_sent_total counter
//   smsdrv_submit_sm_sent_total{driver="smsmms",channel="channel-sms1"} 1000
//
// Each family's HELP and TYPE come once, before all its samples from every driver.
#ifndef SMSDRV_HOST_PROMETHEUS_HPP
#define SMSDRV_HOST_PROMETHEUS_HPP

#include <string>
#include <vector>

#include "smsdrv/smsdrv.hpp"

namespace smsdrv::host {

struct driver_metrics {
  std::string driver;  // the driver's name, the "driver" label
  std::vector<smsdrv::metric_sample> samples;
};

std::string prometheus_text(const std::vector<driver_metrics>& drivers);

}  // namespace smsdrv::host

#endif  // SMSDRV_HOST_PROMETHEUS_HPP
