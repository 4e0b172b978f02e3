//! Memory: a burst of password hashing (19 MiB each) must not leave the server bigger.

use crate::support::{both, Browser, TestDb, TestServer};

both!(a_burst_of_registrations_leaves_memory_where_it_was);

/// Resident memory of a process, in MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib / 1024.0
}

async fn a_burst_of_registrations_leaves_memory_where_it_was(db: TestDb) {
    let server = TestServer::process_with(&db, &[("QUIRE_REGISTRATIONS_PER_HOUR", "100")]).await;
    // Warm up: the first requests load what every later one shares.
    Browser::new(&server)
        .register("Warm Up", "warm@example.com", "warming up the server")
        .await;
    let before = rss_mib(server.pid());

    let burst = (0..12).map(|n| {
        let server = &server;
        async move {
            Browser::new(server)
                .register(
                    &format!("Reader {n}"),
                    &format!("reader{n}@example.com"),
                    "a long enough passphrase",
                )
                .await
        }
    });
    futures::future::join_all(burst).await;
    let after = rss_mib(server.pid());
    // Twelve hashes at once would hold 12 × 19 MiB; queued and given back, almost nothing.
    assert!(
        after - before < 40.0,
        "resident memory grew from {before:.0} MiB to {after:.0} MiB"
    );
}
