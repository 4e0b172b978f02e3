//! The process's memory: glibc tuned to give memory back, and the background thread that
//! loads the highlighter and trims free memory (see each function for the measurements).
//!
//! Kept over an allocator crate because it peaks lowest: measured against mimalloc and
//! jemalloc, glibc tuned like this peaked at 24.8–31.5 MiB under the benchmark's load,
//! jemalloc at 33–40 MiB (it rendered logged-in pages 25–40% faster), mimalloc at 108–171 MiB
//! (bench/results/2026-12-05-allocators.md).

/// Work that start-up need not wait for, on a thread of its own: the code highlighter's
/// grammars (loaded here rather than by the first post with code), then, every few seconds,
/// glibc's free memory handed back to the system. glibc returns only the free memory at the
/// top of each heap by itself; the rest (after a burst of requests, or the grammars' loading)
/// stays in the process until `malloc_trim` releases its pages.
pub fn start_background_work() {
    let spawned = std::thread::Builder::new()
        .name("quire-trim".into())
        .spawn(|| {
            app::render::load_highlighter();
            loop {
                release_free_memory();
                std::thread::sleep(std::time::Duration::from_secs(TRIM_EVERY_SECS));
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("could not start the background thread: {e}");
    }
}

/// How often free memory is handed back: trimming two small heaps takes well under a
/// millisecond, and an idle server's memory settles within this long after a burst.
const TRIM_EVERY_SECS: u64 = 2;

fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // Safe: malloc_trim only returns free pages to the system; it takes each heap's lock.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// glibc serves a freed large block's size from the heap next time and keeps it: after a few
/// password hashes (19 MiB each) on different threads the process held ~300 MiB it no longer
/// used. A fixed mmap threshold keeps such blocks in their own mappings, given back on free.
/// And glibc gives each thread that allocates its own heap (arena) by default; the runtime's
/// workers, the blocking pool and SQLite's connection threads each kept free memory of their
/// own. Two arenas serve two cores.
pub fn return_large_allocations_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // Safe: called first thing in main, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
