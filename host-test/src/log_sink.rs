//! Where the MCP server's instances write stdout and stderr: split into lines,
//! each written through to the process's stderr (`host-test mcp`) and kept in
//! a tail of bounded size (what the tests read). A server that runs for weeks
//! never fills it, so a guest write never fails and no line is lost to a full
//! buffer.

use hyper::body::Bytes;
use std::collections::VecDeque;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// The longest line kept whole: a longer run without a newline is cut into
/// lines of this size, so one guest cannot grow a buffer without bound.
pub const MAX_LINE: usize = 64 * 1024;

/// The log every instance of one server writes to; clones share it.
#[derive(Clone)]
pub struct LogSink {
    tail: Arc<Mutex<Tail>>,
    /// Write each line through to the process's stderr.
    echo: bool,
}

/// The newest lines, at most `cap` bytes of them.
struct Tail {
    lines: VecDeque<String>,
    bytes: usize,
    cap: usize,
    /// Bytes written over the sink's whole life.
    written: u64,
}

impl LogSink {
    /// Keep the newest `cap` bytes of lines in memory only.
    pub fn memory(cap: usize) -> LogSink {
        LogSink {
            tail: Arc::new(Mutex::new(Tail {
                lines: VecDeque::new(),
                bytes: 0,
                cap,
                written: 0,
            })),
            echo: false,
        }
    }

    /// Write every line through to the process's stderr, and keep the newest
    /// `cap` bytes of them in memory.
    pub fn stderr(cap: usize) -> LogSink {
        LogSink {
            echo: true,
            ..LogSink::memory(cap)
        }
    }

    /// The kept lines, oldest first.
    pub fn contents(&self) -> String {
        self.tail
            .lock()
            .unwrap()
            .lines
            .iter()
            .map(String::as_str)
            .collect()
    }

    /// How many bytes were written over the sink's whole life (kept or not).
    pub fn written(&self) -> u64 {
        self.tail.lock().unwrap().written
    }

    /// Record one complete line (ending in `\n`).
    fn line(&self, line: &[u8]) {
        if self.echo {
            // As the component's own log writes: a closed stderr loses the
            // line but stops nothing.
            let _ = std::io::stderr().lock().write_all(line);
        }
        let line = String::from_utf8_lossy(line).into_owned();
        let mut tail = self.tail.lock().unwrap();
        tail.written += line.len() as u64;
        tail.bytes += line.len();
        tail.lines.push_back(line);
        while tail.bytes > tail.cap {
            let Some(old) = tail.lines.pop_front() else {
                break;
            };
            tail.bytes -= old.len();
        }
    }

    /// A stream for one instance: its own partial line, so lines of instances
    /// writing at once never interleave.
    pub fn stream(&self) -> LineStream {
        LineStream {
            sink: self.clone(),
            partial: Vec::new(),
        }
    }
}

/// One instance's stdout or stderr.
pub struct LineStream {
    sink: LogSink,
    partial: Vec<u8>,
}

impl LineStream {
    /// Take `bytes`, passing on every line they complete.
    pub fn push(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let room = MAX_LINE - 1 - self.partial.len();
            let (take, end) = match bytes.iter().position(|&b| b == b'\n') {
                Some(i) if i < room => (i + 1, true),
                _ if bytes.len() >= room => (room, true),
                _ => (bytes.len(), false),
            };
            self.partial.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if end {
                if self.partial.last() != Some(&b'\n') {
                    self.partial.push(b'\n');
                }
                self.sink.line(&self.partial);
                self.partial.clear();
            }
        }
    }
}

impl Drop for LineStream {
    /// An unfinished last line is still a line.
    fn drop(&mut self) {
        if !self.partial.is_empty() {
            self.partial.push(b'\n');
            self.sink.line(&self.partial);
        }
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for LineStream {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
    fn check_write(&mut self) -> StreamResult<usize> {
        // Always room: nothing is buffered beyond one line.
        Ok(MAX_LINE)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for LineStream {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for LineStream {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.get_mut().push(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl IsTerminal for LogSink {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for LogSink {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.stream())
    }
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.stream())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_joined_per_stream_and_never_interleave() {
        let sink = LogSink::memory(1 << 20);
        let (mut a, mut b) = (sink.stream(), sink.stream());
        a.push(b"daytona-mcp: POST ");
        b.push(b"daytona-mcp: GET /mcp -> 405\nsecond ");
        a.push(b"/mcp -> 200\n");
        drop(b);
        assert_eq!(
            sink.contents(),
            "daytona-mcp: GET /mcp -> 405\ndaytona-mcp: POST /mcp -> 200\nsecond \n"
        );
    }

    #[test]
    fn the_tail_is_bounded_and_writes_never_fail() {
        let sink = LogSink::memory(1000);
        let mut stream = sink.stream();
        for i in 0..10_000 {
            let line = format!("line {i:05}\n");
            assert_eq!(stream.check_write().unwrap(), MAX_LINE);
            stream.write(Bytes::from(line)).unwrap();
        }
        let kept = sink.contents();
        assert!(kept.len() <= 1000, "{}", kept.len());
        assert!(kept.ends_with("line 09999\n"), "{kept}");
        assert!(kept.starts_with("line "), "whole lines only: {kept}");
        assert_eq!(sink.written(), 10_000 * 11);
    }

    #[test]
    fn a_run_without_newlines_is_cut_into_bounded_lines() {
        let sink = LogSink::memory(1 << 20);
        let mut stream = sink.stream();
        stream.push(&vec![b'x'; 3 * MAX_LINE]);
        drop(stream);
        let kept = sink.contents();
        assert!(kept.lines().all(|l| l.len() < MAX_LINE));
        assert_eq!(kept.bytes().filter(|&b| b == b'x').count(), 3 * MAX_LINE);
    }
}
