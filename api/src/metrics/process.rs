//! The standard `process_*` metrics every Prometheus client exports (CPU time, memory,
//! file descriptors, threads, start time), read from `/proc` through `procfs` when
//! scraped. On systems without `/proc` they are left out.

use std::fmt;

use prometheus_client::encoding::DescriptorEncoder;

use super::scraped::{counter, gauge};

#[derive(Debug)]
pub(super) struct Collector;

#[cfg(target_os = "linux")]
impl prometheus_client::collector::Collector for Collector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> fmt::Result {
        use procfs::process::{LimitValue, Process};

        let Ok(process) = Process::myself() else {
            return Ok(());
        };
        let Ok(stat) = process.stat() else {
            return Ok(());
        };
        let ticks = procfs::ticks_per_second() as f64;
        counter(
            &mut encoder,
            "process_cpu_seconds",
            "Total user and system CPU time spent in seconds",
            (stat.utime + stat.stime) as f64 / ticks,
        )?;
        gauge(
            &mut encoder,
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
            stat.rss.saturating_mul(procfs::page_size()),
        )?;
        gauge(
            &mut encoder,
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes",
            stat.vsize,
        )?;
        gauge(
            &mut encoder,
            "process_threads",
            "Number of OS threads in the process",
            stat.num_threads,
        )?;
        if let Ok(boot) = procfs::boot_time_secs() {
            gauge(
                &mut encoder,
                "process_start_time_seconds",
                "Start time of the process since the Unix epoch in seconds",
                boot as f64 + stat.starttime as f64 / ticks,
            )?;
        }
        if let Ok(open) = process.fd_count() {
            gauge(
                &mut encoder,
                "process_open_fds",
                "Number of open file descriptors",
                open as u64,
            )?;
        }
        if let Ok(limits) = process.limits()
            && let LimitValue::Value(max) = limits.max_open_files.soft_limit
        {
            gauge(
                &mut encoder,
                "process_max_fds",
                "Maximum number of open file descriptors",
                max,
            )?;
        }
        Ok(())
    }
}

#[cfg(not(target_os = "linux"))]
impl prometheus_client::collector::Collector for Collector {
    fn encode(&self, _encoder: DescriptorEncoder<'_>) -> fmt::Result {
        Ok(())
    }
}
