//! Printing through CUPS: `lp -d <queue> -t <title> [-o raw | -o media=… -o print-scaling=none]
//! <file>`, the way every Linux (and macOS) till reaches its receipt printer. `-o raw` passes
//! ESC/POS bytes to the printer unfiltered. A PDF is sent with its own paper size read from the
//! file (`media=Custom.80x231mm` for a receipt roll, `A4` for an A4 report) and no scaling:
//! without it a queue whose default paper is A4 prints an 80 mm receipt as a small block in the
//! middle of an A4 page. The PDF is already saved when this runs; a failure says what went wrong
//! in Chinese, with lp's own message, and that the receipt can be reprinted.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pos_core::documents::{PrintData, Printer};
use pos_core::error::{ErrorCode, PosError, Result};

/// How long `lp` may take to hand the job to CUPS before the till gives up waiting.
pub const LP_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends receipts to a CUPS queue with `lp`, and lists the queues with `lpstat -e`.
#[derive(Debug, Clone)]
pub struct CupsPrinter {
    program: PathBuf,
    lpstat: PathBuf,
    timeout: Duration,
}

impl Default for CupsPrinter {
    fn default() -> Self {
        CupsPrinter::new()
    }
}

impl CupsPrinter {
    /// `lp` found on `PATH`.
    pub fn new() -> CupsPrinter {
        CupsPrinter::with_program("lp")
    }

    /// Another program with lp's arguments (tests use a stand-in script).
    pub fn with_program(program: impl Into<PathBuf>) -> CupsPrinter {
        CupsPrinter {
            program: program.into(),
            lpstat: PathBuf::from("lpstat"),
            timeout: LP_TIMEOUT,
        }
    }

    /// Another program in place of `lpstat` (tests use a stand-in script).
    pub fn with_lpstat(mut self, lpstat: impl Into<PathBuf>) -> CupsPrinter {
        self.lpstat = lpstat.into();
        self
    }

    /// Gives up waiting for the program after `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> CupsPrinter {
        self.timeout = timeout;
        self
    }

    /// The arguments given to lp; `page_mm` is a PDF's page size (width, height in mm).
    pub fn args(
        queue: &str,
        file: &Path,
        title: &str,
        data: PrintData,
        page_mm: Option<(f32, f32)>,
    ) -> Vec<OsString> {
        // A relative path starting with "-" would read as an option.
        let file = if file.is_relative() && file.to_string_lossy().starts_with('-') {
            Path::new(".").join(file)
        } else {
            file.to_path_buf()
        };
        let mut args: Vec<OsString> = vec!["-d".into(), queue.into(), "-t".into(), title.into()];
        match (data, page_mm) {
            (PrintData::Raw, _) => args.extend(["-o".into(), "raw".into()]),
            (PrintData::Document, Some((w, h))) => args.extend([
                "-o".into(),
                format!("media={}", media(w, h)).into(),
                "-o".into(),
                "print-scaling=none".into(),
            ]),
            (PrintData::Document, None) => {}
        }
        args.push(file.into_os_string());
        args
    }
}

/// CUPS's name for a page `w` × `h` mm: `A4`, or `Custom.80x231mm` (the width to the nearest
/// millimetre, the length rounded up so nothing is cut off).
pub fn media(w: f32, h: f32) -> String {
    if (w - 210.0).abs() < 1.0 && (h - 297.0).abs() < 1.0 {
        return "A4".to_owned();
    }
    format!("Custom.{:.0}x{:.0}mm", w.round(), (h - 0.05).ceil())
}

/// The size of a PDF's first page in millimetres, from its `/MediaBox [x1 y1 x2 y2]` (points);
/// `None` when the file has none this simple reader finds.
pub fn pdf_page_mm(pdf: &[u8]) -> Option<(f32, f32)> {
    const KEY: &[u8] = b"/MediaBox";
    let at = pdf.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let rest = &pdf[at..];
    let open = rest.iter().position(|&b| !b.is_ascii_whitespace())?;
    if rest[open] != b'[' {
        return None;
    }
    let close = open + rest[open..].iter().position(|&b| b == b']')?;
    let inside = std::str::from_utf8(&rest[open + 1..close]).ok()?;
    let v: Vec<f32> = inside
        .split_ascii_whitespace()
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    let [x1, y1, x2, y2] = v[..] else {
        return None;
    };
    let to_mm = |pt: f32| pt.abs() * 25.4 / 72.0;
    let (w, h) = (to_mm(x2 - x1), to_mm(y2 - y1));
    (w > 1.0 && h > 1.0).then_some((w, h))
}

fn print_failed(message: String) -> PosError {
    PosError::new(ErrorCode::PrintFailed, message)
}

/// Reads a pipe to its end on its own thread.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

/// How a run of lp or lpstat ended when it did not succeed.
enum RunError {
    NotFound,
    Spawn(std::io::Error),
    TimedOut,
    Wait(std::io::Error),
    Failed { code: String, stderr: String },
}

impl CupsPrinter {
    /// Runs `program args`, waiting at most the timeout; its standard output when it succeeds.
    fn run(&self, program: &Path, args: &[OsString]) -> std::result::Result<Vec<u8>, RunError> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    RunError::NotFound
                } else {
                    RunError::Spawn(e)
                }
            })?;
        // Read both pipes on the side so a chatty program cannot fill one while we wait.
        let stdout = child.stdout.take().map(drain);
        let stderr = child.stderr.take().map(drain);
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(RunError::TimedOut);
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(RunError::Wait(e)),
            }
        };
        let collect = |h: Option<std::thread::JoinHandle<Vec<u8>>>| {
            h.and_then(|h| h.join().ok()).unwrap_or_default()
        };
        if status.success() {
            return Ok(collect(stdout));
        }
        Err(RunError::Failed {
            code: status
                .code()
                .map(|c| format!("退出码 {c}"))
                .unwrap_or_else(|| "被信号终止".to_owned()),
            stderr: String::from_utf8_lossy(&collect(stderr)).trim().to_owned(),
        })
    }
}

impl Printer for CupsPrinter {
    fn print(&self, queue: &str, file: &Path, title: &str, data: PrintData) -> Result<()> {
        let program = self.program.display();
        // A PDF goes with its paper size; one that cannot be read is left to lp to report.
        let page = match data {
            PrintData::Document => std::fs::read(file).ok().and_then(|b| pdf_page_mm(&b)),
            PrintData::Raw => None,
        };
        match self.run(
            &self.program,
            &CupsPrinter::args(queue, file, title, data, page),
        ) {
            Ok(_) => Ok(()),
            Err(RunError::NotFound) => Err(print_failed(format!(
                "找不到打印命令 {program}（CUPS）：请安装 CUPS（cups-client）并添加打印机 \
                 {queue}；小票已保存为 PDF，可稍后重印"
            ))),
            Err(RunError::Spawn(e)) => Err(print_failed(format!(
                "无法启动打印命令 {program}：{e}；小票已保存为 PDF，可稍后重印"
            ))),
            Err(RunError::TimedOut) => Err(print_failed(format!(
                "打印机 {queue} 无响应（{program} 超过 {} 秒未返回）：请检查打印服务；\
                 小票已保存为 PDF，可稍后重印",
                self.timeout.as_secs()
            ))),
            Err(RunError::Wait(e)) => Err(print_failed(format!(
                "打印命令 {program} 出错：{e}；小票已保存为 PDF，可稍后重印"
            ))),
            Err(RunError::Failed { code, stderr }) => {
                let detail = if stderr.is_empty() {
                    String::new()
                } else {
                    format!("：{stderr}")
                };
                Err(print_failed(format!(
                    "打印机 {queue} 打印失败（{program} {code}）{detail}；请检查打印机后重印，\
                     小票已保存为 PDF"
                )))
            }
        }
    }

    fn queues(&self) -> Result<Vec<String>> {
        let program = self.lpstat.display();
        let out = self
            .run(&self.lpstat, &["-e".into()])
            .map_err(|e| match e {
                RunError::NotFound => print_failed(format!(
                    "找不到 {program}（CUPS）：请安装 CUPS（cups-client）并添加打印机，或直接填写队列名称"
                )),
                RunError::Failed { stderr, .. } if !stderr.is_empty() => print_failed(format!(
                    "无法读取打印机列表：{stderr}；请检查 CUPS 打印服务是否在运行"
                )),
                _ => print_failed(format!(
                    "无法读取打印机列表（{program}）；请检查 CUPS 打印服务是否在运行"
                )),
            })?;
        let mut queues: Vec<String> = String::from_utf8_lossy(&out)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        queues.sort();
        queues.dedup();
        Ok(queues)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lp_gets_queue_title_and_file() {
        let args = CupsPrinter::args(
            "XP-80",
            Path::new("/data/receipts/1.pdf"),
            "小票 1",
            PrintData::Document,
            None,
        );
        assert_eq!(
            args,
            ["-d", "XP-80", "-t", "小票 1", "/data/receipts/1.pdf"]
        );
        let args = CupsPrinter::args("q", Path::new("-r.pdf"), "t", PrintData::Document, None);
        assert_eq!(args[4], "./-r.pdf");
        // A PDF's paper size goes with it, unscaled.
        let args = CupsPrinter::args(
            "XP-80",
            Path::new("/r/1.pdf"),
            "t",
            PrintData::Document,
            Some((80.0, 230.4)),
        );
        assert_eq!(
            args,
            [
                "-d",
                "XP-80",
                "-t",
                "t",
                "-o",
                "media=Custom.80x231mm",
                "-o",
                "print-scaling=none",
                "/r/1.pdf"
            ]
        );
        let args = CupsPrinter::args(
            "XP-80",
            Path::new("/data/receipts/1.escpos"),
            "小票 1",
            PrintData::Raw,
            Some((80.0, 100.0)),
        );
        assert_eq!(
            args,
            [
                "-d",
                "XP-80",
                "-t",
                "小票 1",
                "-o",
                "raw",
                "/data/receipts/1.escpos"
            ]
        );
    }

    #[test]
    fn the_paper_size_is_read_from_the_pdf() {
        let pdf = b"%PDF-1.7\n1 0 obj << /Type /Page /MediaBox [0 0 226.77167 653.1] >>";
        let (w, h) = pdf_page_mm(pdf).unwrap();
        assert!(
            (w - 80.0).abs() < 0.01 && (h - 230.4).abs() < 0.05,
            "{w} {h}"
        );
        assert_eq!(media(w, h), "Custom.80x231mm");
        let a4 = b"<< /MediaBox[0.0 0.0 595.2756 841.8898] >>";
        let (w, h) = pdf_page_mm(a4).unwrap();
        assert_eq!(media(w, h), "A4");
        assert_eq!(
            media(58.0, 120.0),
            "Custom.58x120mm",
            "a whole length stays"
        );
        assert_eq!(pdf_page_mm(b"%PDF no box"), None);
        assert_eq!(pdf_page_mm(b"/MediaBox [0 0 x 1]"), None);
        assert_eq!(pdf_page_mm(b"/MediaBox 5 0 R"), None);
    }

    #[test]
    fn a_missing_lp_is_a_print_failure_in_chinese() {
        let p = CupsPrinter::with_program("/nonexistent/bin/lp");
        let e = p
            .print("XP-80", Path::new("/tmp/x.pdf"), "t", PrintData::Document)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::PrintFailed);
        assert!(e.message.contains("找不到打印命令"), "{}", e.message);
        assert!(e.message.contains("XP-80"), "{}", e.message);
    }
}
