//! `nianbao serve`: the clerk's web page on this machine.

use crate::shared::{discover, fail};
use crate::status;
use std::net::{IpAddr, SocketAddr};

pub fn run(port: u16, listen: Option<IpAddr>, max_upload_mb: u64, timeout_secs: u64, max_memory_mb: u64) -> u8 {
    // A bad --plugin is a usage error now, not in every handler thread later.
    if let Err(e) = discover() {
        return fail(&e);
    }
    let ip = listen.unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if !ip.is_loopback() {
        errln!(
            "warning: listening on {ip}: the page has no login, so anyone who can reach this address can open \
             reports and use this machine's plugins"
        );
    }
    let config = nianbao_serve::Config {
        addr: SocketAddr::new(ip, port),
        max_upload_mb,
        // Uploads are read by this binary in child processes, each within the limits.
        worker: std::env::current_exe().ok(),
        worker_args: crate::shared::preferred().iter().flat_map(|p| ["--plugin".to_string(), p.clone()]).collect(),
        timeout_secs,
        max_memory_mb,
        ..Default::default()
    };
    let served = nianbao_serve::serve(
        &config,
        || discover().expect("checked above"),
        |addr| {
            errln!("nianbao serve: http://{addr}/ (Ctrl-C to stop)");
            crate::out::flush();
        },
    );
    match served {
        Ok(()) => status::OK,
        Err(e) => {
            errln!("error: {e}");
            status::FAILED
        }
    }
}
