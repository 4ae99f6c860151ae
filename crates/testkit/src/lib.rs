//! Test helpers shared by the integration tests of several crates: a real nginx (Debian's
//! package) started as a child of the test, never a system service, with its configuration,
//! logs and files in a temporary directory and listening on a free port of 127.0.0.1; and
//! fixtures that tests generate (a WAV recording).

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where Debian installs nginx.
pub const NGINX: &str = "/usr/sbin/nginx";

/// A running nginx; dropping it kills the process and removes its directory.
pub struct Nginx {
    child: Child,
    /// Its directory: `www/` is the document root.
    pub dir: PathBuf,
    pub port: u16,
    /// The HTTPS port, when openssl could make a certificate.
    pub tls_port: Option<u16>,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Nginx {
    /// The plain-HTTP URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The request lines nginx logged.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default()
    }
}

/// A port of 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A new empty directory under the system's temporary directory.
pub fn unique_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "datavakt-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `data` to `root/rel`, creating the folders on the way.
pub fn write(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

/// A valid RIFF/WAVE file: 16-bit mono PCM at 8 kHz with `data_len` bytes of samples.
pub fn wav(data_len: usize) -> Vec<u8> {
    let mut w = Vec::with_capacity(44 + data_len);
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data_len as u32).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&8000u32.to_le_bytes());
    w.extend_from_slice(&16000u32.to_le_bytes()); // bytes per second
    w.extend_from_slice(&2u16.to_le_bytes()); // block align
    w.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    w.extend_from_slice(b"data");
    w.extend_from_slice(&(data_len as u32).to_le_bytes());
    // A saw tooth: any samples will do.
    w.extend((0..data_len / 2).flat_map(|i| (((i % 64) as i16 - 32) * 500).to_le_bytes()));
    w
}

/// A self-signed certificate (`cert.pem`, `key.pem`) in `dir`; `false` without openssl.
pub fn make_certificate(dir: &Path) -> bool {
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    matches!(made, Ok(s) if s.success())
}

/// Starts nginx serving `dir/www` with the `locations` given (nginx configuration inside the
/// `server` block; `{dir}` in it is replaced by the directory), and an HTTPS server with
/// `tls_locations` when that is `Some` and openssl can make a certificate. `None` (after
/// printing SKIPPED) when nginx is not installed.
pub fn start_nginx(dir: PathBuf, locations: &str, tls_locations: Option<&str>) -> Option<Nginx> {
    if !Path::new(NGINX).exists() {
        println!("SKIPPED: nginx not installed (apt-get install nginx)");
        return None;
    }
    for t in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(dir.join("tmp").join(t)).unwrap();
    }
    let port = free_port();
    let tls_port = tls_locations.and_then(|_| make_certificate(&dir).then(free_port));
    let d = dir.display().to_string();
    let tls = match (tls_port, tls_locations) {
        (Some(p), Some(l)) => format!(
            "server {{ listen 127.0.0.1:{p} ssl; ssl_certificate {d}/cert.pem;
               ssl_certificate_key {d}/key.pem; root {d}/www; {} }}",
            l.replace("{dir}", &d)
        ),
        _ => String::new(),
    };
    let locations = locations.replace("{dir}", &d);
    let conf = format!(
        "daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/tmp/body;
  proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi;
  uwsgi_temp_path {d}/tmp/uwsgi;
  scgi_temp_path {d}/tmp/scgi;
  types {{ text/html html; text/plain txt; text/csv csv; audio/wav wav; }}
  default_type application/octet-stream;
  server {{
    listen 127.0.0.1:{port};
    root {d}/www;
    {locations}
  }}
  {tls}
}}
"
    );
    write(&dir, "nginx.conf", conf.as_bytes());
    let child = Command::new(NGINX)
        .arg("-p")
        .arg(&dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nginx starts");
    let mut nginx = Nginx {
        child,
        dir,
        port,
        tls_port,
    };
    // Wait until it accepts connections (bounded; a failed start shows nginx's message).
    for _ in 0..400 {
        if let Ok(Some(status)) = nginx.child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = nginx.child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("nginx exited ({status}): {err}");
        }
        let ports = [Some(port), tls_port];
        if ports
            .iter()
            .flatten()
            .all(|p| TcpStream::connect(("127.0.0.1", *p)).is_ok())
        {
            return Some(nginx);
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("nginx does not accept connections on port {port}");
}
