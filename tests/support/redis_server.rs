//! A `redis-server` child on 127.0.0.1 with a free port, for the tests,
//! the chaos run and the benchmarks (included with `#[path]`).

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` child; killed (by its own pid) on drop.
pub struct RedisServer {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The `extra` arguments it was started with.
    extra: Vec<String>,
}

impl RedisServer {
    /// Whether `redis-server` is on the PATH.
    pub fn installed() -> bool {
        Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Starts one with `extra` arguments (after `--bind`, `--port`, no
    /// snapshots and protected mode); `None` if it cannot be started.
    pub fn spawn(extra: &[&str]) -> Option<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .ok()?;
        Self::spawn_on(port, extra)
    }

    /// Starts one on `port`.
    fn spawn_on(port: u16, extra: &[&str]) -> Option<RedisServer> {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--protected-mode", "yes"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let server = RedisServer {
            child,
            port,
            extra: extra.iter().map(|a| (*a).to_owned()).collect(),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// `CLIENT PAUSE ms ALL`, on a connection of its own: whether Redis
    /// said OK.
    pub fn pause(&self, ms: u64) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let ms = ms.to_string();
        let cmd = format!(
            "*4\r\n$6\r\nCLIENT\r\n$5\r\nPAUSE\r\n${}\r\n{ms}\r\n$3\r\nALL\r\n",
            ms.len()
        );
        let mut buf = [0u8; 16];
        s.write_all(cmd.as_bytes()).is_ok()
            && s.read(&mut buf).is_ok_and(|n| buf[..n].starts_with(b"+OK"))
    }

    /// Kills it and starts a fresh one on the same port with the same
    /// arguments (without persistence it comes back empty): whether it
    /// came back.
    pub fn restart(&mut self) -> bool {
        self.kill();
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        match Self::spawn_on(self.port, &extra) {
            Some(mut fresh) => {
                std::mem::swap(&mut self.child, &mut fresh.child);
                // `fresh` now holds the dead child: dropping it is harmless.
                true
            }
            None => false,
        }
    }

    /// Kills it now.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
