//! Test helpers shared by the integration tests of several crates: a real nginx and a real
//! PostgreSQL (Debian's packages), each started as a child of the test, never a system
//! service, with its configuration, data and logs in a temporary directory and listening on a
//! free port of 127.0.0.1; a real Samba smbd started the same way, with throwaway system
//! accounts ([`start_samba`], [`Accounts`]); and fixtures that tests generate (a WAV
//! recording).

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

/// A 7z archive of `header` behind a well-formed start header (offset, size and both CRC-32
/// checksums right), so that a reader gets as far as the header.
pub fn seven_z(header: &[u8]) -> Vec<u8> {
    let crc = |b: &[u8]| {
        let mut c = flate2::Crc::new();
        c.update(b);
        c.sum()
    };
    let mut start = 0u64.to_le_bytes().to_vec();
    start.extend_from_slice(&(header.len() as u64).to_le_bytes());
    start.extend_from_slice(&crc(header).to_le_bytes());
    let mut data = b"7z\xbc\xaf\x27\x1c\x00\x04".to_vec();
    data.extend_from_slice(&crc(&start).to_le_bytes());
    data.extend_from_slice(&start);
    data.extend_from_slice(header);
    data
}

/// `len` bytes of ASCII text without numbers that look like identity numbers, compressing about
/// tenfold: under the ratio that makes a compression bomb, over a small size limit.
pub fn compressible_text(len: usize) -> Vec<u8> {
    let mut t = String::new();
    let mut i = 0u64;
    while t.len() < len {
        t.push_str(&format!("post {i}: arende {}\n", i * 7919 % 100_003));
        i += 1;
    }
    let mut t = t.into_bytes();
    t.truncate(len);
    t
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

// ---------------------------------------------------------------------------------------------
// Samba

/// Where Debian installs smbd.
pub const SMBD: &str = "/usr/sbin/smbd";

/// Throwaway system users and groups for a Samba test, named with a prefix unique to this
/// process (`dv<pid><n>`), removed (with `userdel`, `groupdel`) when dropped. Samba accounts
/// need system accounts behind them; creating them needs root.
pub struct Accounts {
    prefix: String,
    users: Vec<(String, String)>,
    groups: Vec<String>,
}

impl Accounts {
    /// `None` (after printing SKIPPED) unless running as root with `useradd`.
    pub fn new() -> Option<Accounts> {
        static N: AtomicUsize = AtomicUsize::new(0);
        // SAFETY: geteuid has no preconditions.
        if unsafe { geteuid() } != 0 || !Path::new("/usr/sbin/useradd").exists() {
            println!("SKIPPED: creating Samba test accounts needs root and useradd");
            return None;
        }
        Some(Accounts {
            prefix: format!(
                "dv{}{}",
                std::process::id() % 1_000_000,
                N.fetch_add(1, Ordering::Relaxed)
            ),
            users: vec![],
            groups: vec![],
        })
    }

    /// Creates group `<prefix><role>` and returns its name.
    pub fn group(&mut self, role: &str) -> String {
        let name = format!("{}{role}", self.prefix);
        run("groupadd", &[&name]);
        self.groups.push(name.clone());
        name
    }

    /// Creates user `<prefix><role>` (no home, no login shell) in `groups`, whose Samba
    /// password will be `password`, and returns its name.
    pub fn user(&mut self, role: &str, password: &str, groups: &[&str]) -> String {
        let name = format!("{}{role}", self.prefix);
        let mut args = vec!["-M", "-N", "-s", "/usr/sbin/nologin"];
        let list = groups.join(",");
        if !groups.is_empty() {
            args.extend(["-G", &list]);
        }
        args.push(&name);
        run("useradd", &args);
        self.users.push((name.clone(), password.to_string()));
        name
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for (u, _) in &self.users {
            let _ = Command::new("userdel")
                .arg(u)
                .stderr(Stdio::null())
                .status();
        }
        for g in &self.groups {
            let _ = Command::new("groupdel")
                .arg(g)
                .stderr(Stdio::null())
                .status();
        }
    }
}

extern "C" {
    fn geteuid() -> u32;
}

/// Runs a setup command; a failure is the test's failure.
pub fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A running smbd; dropping it stops it and the RPC helpers it started, removes its directory,
/// and then the accounts.
pub struct Samba {
    child: Child,
    /// Its directory: configuration, state, logs, and `shares/` for the shares' folders.
    pub dir: PathBuf,
    /// The address it listens on.
    pub host: &'static str,
    /// The port it listens on.
    pub port: u16,
    accounts: Option<Accounts>,
    /// Held while the server runs: one test server on port 445 at a time, across processes.
    _lock: std::fs::File,
}

impl Samba {
    /// The configuration file, for Samba's tools (`smbstatus -s`).
    pub fn conf(&self) -> PathBuf {
        self.dir.join("smb.conf")
    }

    /// What `smbstatus` says about the sessions open now (their encryption among it).
    pub fn status(&self) -> String {
        let out = Command::new("smbstatus")
            .arg("-s")
            .arg(self.conf())
            .arg("-b")
            .output();
        match out {
            Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
            Err(e) => format!("smbstatus: {e}"),
        }
    }

    /// The processes whose command line names this server's configuration: smbd, and the
    /// RPC helpers (samba-dcerpcd, rpcd_*) that it started, which leave its process group.
    fn processes(&self) -> Vec<i32> {
        let conf = self.conf().display().to_string();
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return vec![];
        };
        dir.flatten()
            .filter_map(|e| {
                let pid: i32 = e.file_name().to_str()?.parse().ok()?;
                let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
                let cmd = String::from_utf8_lossy(&cmd);
                cmd.split('\0')
                    .any(|a| a == conf || a.strip_prefix("--configfile=") == Some(&conf))
                    .then_some(pid)
            })
            .collect()
    }
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}

impl Drop for Samba {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // SIGTERM, then SIGKILL for the helpers (only ours: they name our configuration).
        for sig in [15, 9] {
            for pid in self.processes() {
                // SAFETY: signalling a process by id has no memory-safety preconditions.
                unsafe { kill(pid, sig) };
            }
            for _ in 0..40 {
                if self.processes().is_empty() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        drop(self.accounts.take());
    }
}

/// Starts smbd as a child in the foreground on 127.0.0.1, with a generated configuration whose
/// every directory (private, lock, state, cache, pid, ncalrpc, logs) is inside `dir`, a passdb
/// there holding `accounts`' users with their passwords, and `shares` (smb.conf sections;
/// `{dir}` in them is replaced by the directory) plus `global` settings. The port is 445:
/// libsmbclient (4.17) reads security descriptors and resolves names over a second connection
/// it always makes to port 445, so a server on another port would show no exposure. A lock
/// file serialises test servers across processes. `None` (after printing SKIPPED) when smbd is
/// missing or something else holds port 445.
pub fn start_samba(dir: PathBuf, accounts: Accounts, global: &str, shares: &str) -> Option<Samba> {
    use std::os::unix::process::CommandExt;
    if !Path::new(SMBD).exists() {
        println!("SKIPPED: smbd not installed (apt-get install samba smbclient)");
        return None;
    }
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("datavakt-testkit-smbd.lock"))
        .unwrap();
    // SAFETY: flock on an open descriptor; blocks until other test servers are gone.
    unsafe { flock(std::os::fd::AsRawFd::as_raw_fd(&lock), 2) };
    let (host, port) = ("127.0.0.1", 445);
    if TcpListener::bind((host, port)).is_err() {
        println!("SKIPPED: port 445 of {host} is in use (a Samba server running here?)");
        return None;
    }
    let d = dir.display().to_string();
    for sub in [
        "private", "lock", "state", "cache", "pid", "ncalrpc", "binddns", "shares",
    ] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let conf = format!(
        "[global]
server role = standalone server
workgroup = DVTEST
netbios name = DVTEST
smb ports = {port}
interfaces = lo
bind interfaces only = yes
disable netbios = yes
private dir = {d}/private
lock directory = {d}/lock
state directory = {d}/state
cache directory = {d}/cache
pid directory = {d}/pid
ncalrpc dir = {d}/ncalrpc
binddns dir = {d}/binddns
usershare path =
log file = {d}/log.%m
passdb backend = tdbsam:{d}/private/passdb.tdb
map to guest = Bad User
load printers = no
printcap name = /dev/null
disable spoolss = yes
server min protocol = SMB2_02
{global}
{}
",
        shares.replace("{dir}", &d)
    );
    write(&dir, "smb.conf", conf.as_bytes());
    let conf_path = dir.join("smb.conf");
    for (user, password) in &accounts.users {
        let mut c = Command::new("smbpasswd")
            .arg("-c")
            .arg(&conf_path)
            .args(["-s", "-a", user])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("smbpasswd starts");
        if let Some(mut i) = c.stdin.take() {
            use std::io::Write;
            let _ = writeln!(i, "{password}\n{password}");
        }
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "smbpasswd -a {user}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let log = std::fs::File::create(dir.join("smbd.out")).unwrap();
    let child = Command::new(SMBD)
        .args(["--foreground", "--no-process-group", "--debug-stdout", "-s"])
        .arg(&conf_path)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("smbd starts");
    let mut samba = Samba {
        child,
        dir,
        host,
        port,
        accounts: Some(accounts),
        _lock: lock,
    };
    for _ in 0..400 {
        if let Ok(Some(status)) = samba.child.try_wait() {
            let out = std::fs::read_to_string(samba.dir.join("smbd.out")).unwrap_or_default();
            panic!("smbd exited ({status}): {out}");
        }
        if TcpStream::connect((host, port)).is_ok() {
            return Some(samba);
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("smbd does not accept connections on port {port}");
}

extern "C" {
    fn flock(fd: i32, op: i32) -> i32;
}

/// A running PostgreSQL server of the test's own; dropping it stops the server and removes its
/// directory.
pub struct Postgres {
    child: Child,
    bin: PathBuf,
    /// Its directory: `data/` the cluster, the Unix socket, `log`.
    pub dir: PathBuf,
    pub port: u16,
    /// The password of the superuser [`Postgres::USER`].
    pub password: String,
}

impl Postgres {
    /// The superuser the cluster was made with.
    pub const USER: &'static str = "datavakt";

    /// `postgres://datavakt:PASSWORD@127.0.0.1:PORT/DATABASE`.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{}:{}@127.0.0.1:{}/{database}",
            Self::USER,
            self.password,
            self.port
        )
    }

    /// The URL without the password (for `$PGPASSWORD`).
    pub fn url_without_password(&self, database: &str) -> String {
        format!(
            "postgres://{}@127.0.0.1:{}/{database}",
            Self::USER,
            self.port
        )
    }

    /// A client program of the server's version (`createdb`, `pg_dump`, `psql`) set up to
    /// reach it.
    pub fn client(&self, program: &str) -> Command {
        let mut c = Command::new(self.bin.join(program));
        c.args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            Self::USER,
        ])
        .env("PGPASSWORD", &self.password)
        .env_remove("PGHOST")
        .env_remove("PGPORT")
        .stdin(Stdio::null());
        c
    }

    /// Creates an empty database; returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        let out = self.client("createdb").arg(name).output().unwrap();
        assert!(
            out.status.success(),
            "createdb {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.url(name)
    }

    /// The whole database as `pg_dump` writes it (schema and data, plain SQL).
    pub fn dump(&self, database: &str) -> Vec<u8> {
        let out = self.client("pg_dump").arg(database).output().unwrap();
        assert!(
            out.status.success(),
            "pg_dump {database}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// The answer of `psql` to one query on `database`, unaligned and without headers; `None`
    /// when it failed (before the tables exist, say).
    pub fn sql(&self, database: &str, query: &str) -> Option<String> {
        let out = self
            .client("psql")
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                database,
                "-c",
                query,
            ])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// What the server logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A fast shutdown (SIGINT), bounded; then SIGKILL.
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        for _ in 0..200 {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The folder of the newest PostgreSQL installed the Debian way (`/usr/lib/postgresql/N/bin`).
pub fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((n, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// True when this process runs as root (initdb and postgres refuse to).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `program` of `bin`, run as `nobody` when the test runs as root.
fn as_server_user(bin: &Path, program: &str) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
            .arg(bin.join(program));
        c
    } else {
        Command::new(bin.join(program))
    }
}

/// Starts a PostgreSQL server of the test's own: a new cluster (`initdb`, superuser
/// [`Postgres::USER`] with a random password, password authentication) in a temporary
/// directory, listening on a free port of 127.0.0.1 only and on a Unix socket in that
/// directory. As root, the server runs as `nobody`. `None` (after printing SKIPPED) when
/// PostgreSQL is not installed.
pub fn start_postgres() -> Option<Postgres> {
    let Some(bin) = postgres_bin() else {
        println!("SKIPPED: PostgreSQL not installed (apt-get install postgresql)");
        return None;
    };
    let dir = unique_dir("postgres");
    let password = format!(
        "pw-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    write(&dir, "pwfile", password.as_bytes());
    if is_root() {
        for p in [dir.clone(), dir.join("pwfile")] {
            std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
        }
    }
    let out = as_server_user(&bin, "initdb")
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-U", Postgres::USER, "-A", "scram-sha-256", "-E", "UTF8"])
        .arg(format!("--pwfile={}", dir.join("pwfile").display()))
        .args(["--no-sync", "--no-instructions"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "initdb: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(dir.join("pwfile"));
    let port = free_port();
    let log = std::fs::File::create(dir.join("log")).unwrap();
    if is_root() {
        std::os::unix::fs::chown(dir.join("log"), Some(65534), Some(65534)).unwrap();
    }
    let child = as_server_user(&bin, "postgres")
        .arg("-D")
        .arg(dir.join("data"))
        .arg("-k")
        .arg(&dir)
        .args(["-p", &port.to_string(), "-h", "127.0.0.1"])
        // A test server: no waiting for the disk.
        .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
        .args(["-c", "full_page_writes=off"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut pg = Postgres {
        child,
        bin,
        dir,
        port,
        password,
    };
    // Wait until it accepts connections (bounded; a failed start shows its log).
    for _ in 0..1200 {
        if let Ok(Some(status)) = pg.child.try_wait() {
            panic!("postgres exited ({status}): {}", pg.log());
        }
        let ready = pg
            .client("pg_isready")
            .args(["-d", "postgres", "-q"])
            .status()
            .is_ok_and(|s| s.success());
        if ready {
            return Some(pg);
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!(
        "postgres does not accept connections on port {port}: {}",
        pg.log()
    );
}
