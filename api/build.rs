//! Brings the GraphiQL page's browser assets into the binary at build time, so the page
//! works on networks without internet access (a canton's intranet) and never loads code
//! from a public CDN.
//!
//! The assets are the production bundles the packages publish on the npm registry, pinned
//! by version and by the registry's SHA-512 integrity value: a tarball that does not match
//! fails the build. They are fetched with `curl` once per build directory. To build without
//! network, put the tarballs (`graphiql-4.1.2.tgz`, …, as `npm pack` names them) in a folder
//! and set `GRAPHIQL_ASSETS_DIR` to it; `NPM_CONFIG_REGISTRY` points at a registry mirror.

use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use sha2::{Digest, Sha512};

/// One npm package and the files the page serves from it.
struct Package {
    name: &'static str,
    version: &'static str,
    /// The registry's `dist.integrity` for the tarball.
    integrity: &'static str,
    /// (path inside the tarball, name the server gives it, content type)
    files: &'static [(&'static str, &'static str, &'static str)],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// GraphiQL 4 is the last major version with a self-contained browser bundle (5 is ESM
/// for bundlers); it needs React 18, the last React with browser bundles.
const PACKAGES: &[Package] = &[
    Package {
        name: "react",
        version: "18.3.1",
        integrity: "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        files: &[(
            "package/umd/react.production.min.js",
            "react-18.3.1.production.min.js",
            JS,
        )],
    },
    Package {
        name: "react-dom",
        version: "18.3.1",
        integrity: "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        files: &[(
            "package/umd/react-dom.production.min.js",
            "react-dom-18.3.1.production.min.js",
            JS,
        )],
    },
    Package {
        name: "graphiql",
        version: "4.1.2",
        integrity: "sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg==",
        files: &[
            ("package/graphiql.min.js", "graphiql-4.1.2.min.js", JS),
            ("package/graphiql.min.css", "graphiql-4.1.2.min.css", CSS),
        ],
    },
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=GRAPHIQL_ASSETS_DIR");
    println!("cargo::rerun-if-env-changed=NPM_CONFIG_REGISTRY");
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("graphiql");
    fs::create_dir_all(&out)?;

    let mut table = String::from(
        "/// The GraphiQL page's assets: (name served under `/graphiql/`, content type, bytes).\n\
         pub static ASSETS: &[(&str, &str, &[u8])] = &[\n",
    );
    for package in PACKAGES {
        let tarball = tarball(package, &out)?;
        for (inner, served, content_type) in package.files {
            let body = extract(&tarball, inner)
                .map_err(|e| format!("{}@{}: {inner}: {e}", package.name, package.version))?;
            fs::write(out.join(served), body)?;
            writeln!(
                table,
                "    ({served:?}, {content_type:?}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/graphiql/{served}\"))),"
            )?;
        }
    }
    table.push_str("];\n");
    fs::write(out.join("assets.rs"), table)?;
    Ok(())
}

/// The package's tarball, checked against its integrity value: from `GRAPHIQL_ASSETS_DIR`
/// when set, else from this build directory's earlier download, else from the registry.
fn tarball(package: &Package, out: &Path) -> Result<Vec<u8>, Box<dyn Error>> {
    let file_name = format!("{}-{}.tgz", package.name, package.version);
    if let Some(dir) = std::env::var_os("GRAPHIQL_ASSETS_DIR") {
        let path = Path::new(&dir).join(&file_name);
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        return verified(package, bytes);
    }
    let cached = out.join(&file_name);
    if let Ok(bytes) = fs::read(&cached)
        && let Ok(bytes) = verified(package, bytes)
    {
        return Ok(bytes);
    }
    let registry = std::env::var("NPM_CONFIG_REGISTRY")
        .unwrap_or_else(|_| "https://registry.npmjs.org".to_owned());
    let url = format!(
        "{}/{}/-/{file_name}",
        registry.trim_end_matches('/'),
        package.name
    );
    let status = Command::new("curl")
        .args(["--fail", "--silent", "--show-error", "--location"])
        .args(["--retry", "3", "--max-time", "120", "--output"])
        .arg(&cached)
        .arg(&url)
        .status()
        .map_err(|e| {
            format!("running curl to fetch {url}: {e}; set GRAPHIQL_ASSETS_DIR to build offline")
        })?;
    if !status.success() {
        return Err(format!(
            "fetching {url} failed ({status}); set GRAPHIQL_ASSETS_DIR to a folder with {file_name} to build offline"
        )
        .into());
    }
    verified(package, fs::read(&cached)?)
}

/// The bytes, when their SHA-512 is the package's pinned integrity value.
fn verified(package: &Package, bytes: Vec<u8>) -> Result<Vec<u8>, Box<dyn Error>> {
    let expected = package
        .integrity
        .strip_prefix("sha512-")
        .ok_or("integrity values are sha512")?;
    let actual = base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&bytes));
    if actual != expected {
        return Err(format!(
            "{}@{}: the tarball's SHA-512 is {actual}, not the pinned {expected}",
            package.name, package.version
        )
        .into());
    }
    Ok(bytes)
}

/// One file of a gzipped tarball.
fn extract(tarball: &[u8], inner: &str) -> Result<Vec<u8>, Box<dyn Error>> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball));
    for entry in archive.entries()? {
        let mut entry = entry?;
        if entry.path()?.to_str() == Some(inner) {
            let mut body = Vec::new();
            entry.read_to_end(&mut body)?;
            return Ok(body);
        }
    }
    Err("not in the tarball".into())
}
