//! The Dockerfile's facts that are Quire's own: hadolint knows nothing of Cargo.toml, of the
//! scripts CI runs or of scripts/check-deploy.sh.

use std::collections::BTreeMap;

use super::{assert_no_problems, assert_reports, broken, looks_secret, read};

/// The Rust version the build stage must use.
const RUST_VERSION: &str = env!("CARGO_PKG_RUST_VERSION");

/// Debian's images set this PATH; Docker expands `${PATH}` in ENV against it.
const BASE_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What the checks need of a Dockerfile: its stages' images, the build stages' RUNs, and the
/// last stage as Docker sets it up.
#[derive(Default)]
struct Dockerfile {
    images: Vec<String>,
    build_runs: Vec<String>,
    runs: Vec<String>,
    /// With `${NAME}` expanded, starting from the base image's PATH.
    env: BTreeMap<String, String>,
    user: String,
    workdir: String,
    cmd: String,
    exposes: Vec<String>,
    /// (sources, destination) of each COPY from an earlier stage.
    copies: Vec<(Vec<String>, String)>,
}

fn parse(text: &str) -> Dockerfile {
    let mut d = Dockerfile::default();
    let mut joined = String::new();
    for line in text.lines().map(str::trim) {
        // Docker drops comment lines even inside an instruction continued over lines.
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        joined.push_str(line.strip_suffix('\\').unwrap_or(line));
        joined.push(' ');
        if line.ends_with('\\') {
            continue;
        }
        let instruction = std::mem::take(&mut joined);
        let (keyword, args) = instruction.trim().split_once(' ').unwrap_or(("", ""));
        let args = args.trim().to_owned();
        match keyword.to_ascii_uppercase().as_str() {
            "FROM" => {
                // A new stage: the one before was a build stage.
                let image = words(&args).into_iter().find(|w| !w.starts_with("--"));
                d = Dockerfile {
                    images: [std::mem::take(&mut d.images), image.into_iter().collect()].concat(),
                    build_runs: [std::mem::take(&mut d.build_runs), d.runs].concat(),
                    env: BTreeMap::from([("PATH".to_owned(), BASE_PATH.to_owned())]),
                    ..Dockerfile::default()
                };
            }
            "RUN" => d.runs.push(args),
            "ENV" => {
                for word in words(&args) {
                    let (name, value) = word.split_once('=').unwrap_or((&word, ""));
                    let value = d.env.iter().fold(value.to_owned(), |v, (k, old)| {
                        v.replace(&format!("${{{k}}}"), old)
                    });
                    d.env.insert(name.to_owned(), value);
                }
            }
            "USER" => d.user = args,
            "WORKDIR" => d.workdir = args,
            "CMD" => d.cmd = args,
            "EXPOSE" => d.exposes.extend(words(&args)),
            "COPY" => {
                let (flags, mut paths): (Vec<_>, Vec<_>) =
                    words(&args).into_iter().partition(|w| w.starts_with("--"));
                if flags.iter().any(|f| f.starts_with("--from=")) {
                    let dest = paths.pop().unwrap_or_default();
                    d.copies.push((paths, dest));
                }
            }
            _ => {}
        }
    }
    d
}

/// Shell words, as Docker reads ENV, COPY and EXPOSE and bash the smoke test's constants.
fn words(text: &str) -> Vec<String> {
    shlex::split(text).unwrap_or_default()
}

fn trim_slash(path: &str) -> &str {
    path.strip_suffix('/').unwrap_or(path)
}

/// The builder is `rust:RUST_VERSION-CODENAME`, the runtime `debian:CODENAME-slim`: the binary
/// needs the builder's glibc.
fn image_problems(d: &Dockerfile, rust_version: &str) -> Vec<String> {
    let [builder, .., runtime] = d.images.as_slice() else {
        return vec!["the Dockerfile is not a build stage, then a runtime stage".into()];
    };
    let tag = builder
        .strip_prefix("rust:")
        .and_then(|t| t.split_once('-'));
    let (version, codename) = tag.unwrap_or(("none", "none"));
    let mut problems = Vec::new();
    if version != rust_version && !version.starts_with(&format!("{rust_version}.")) {
        problems.push(format!(
            "the builder {builder} is not Rust {rust_version} (Cargo.toml's rust-version)"
        ));
    }
    if *runtime != format!("debian:{codename}-slim") {
        problems.push(format!(
            "the runtime image {runtime} is not the builder's Debian"
        ));
    }
    problems
}

/// The build runs scripts/install-tools.sh, then scripts/build-release.sh into an absolute
/// folder, the one folder the runtime stage copies.
fn build_problems(d: &Dockerfile) -> Vec<String> {
    let runs = &d.build_runs;
    let at = |script: &str| runs.iter().position(|run| run.contains(script));
    let (Some(install), Some(build)) = (at("install-tools.sh"), at("build-release.sh")) else {
        return vec!["the build does not run install-tools.sh and build-release.sh".into()];
    };
    let dist = runs[build]
        .split_whitespace()
        .skip_while(|w| !w.ends_with("build-release.sh"))
        .nth(1)
        .unwrap_or("");
    if install > build || !dist.starts_with('/') {
        return vec![format!(
            "the build does not run install-tools.sh, then build-release.sh into an absolute \
             folder: {}",
            runs[build]
        )];
    }
    let sources: Vec<&str> = d
        .copies
        .iter()
        .flat_map(|(sources, _)| sources)
        .map(|s| trim_slash(s))
        .collect();
    match sources == [trim_slash(dist)] {
        true => vec![],
        false => vec![format!(
            "the runtime stage copies {sources:?} from the build stage, not {dist}"
        )],
    }
}

/// Runs as a numeric non-root user, listens where it says it does, and holds no secret.
fn runtime_problems(d: &Dockerfile) -> Vec<String> {
    let mut problems = Vec::new();
    let uid = d.user.split(':').next().unwrap_or("");
    if uid.is_empty() || uid == "0" || !uid.chars().all(|c| c.is_ascii_digit()) {
        problems.push(format!(
            "USER is {:?}, not a numeric uid:gid other than root's",
            d.user
        ));
    }
    let addr = d.env.get("LEPTOS_SITE_ADDR").map_or("", String::as_str);
    match addr.strip_prefix("0.0.0.0:") {
        Some(port) if d.exposes.iter().any(|e| e.split('/').next() == Some(port)) => {}
        _ => problems.push(format!(
            "LEPTOS_SITE_ADDR is {addr:?}: not 0.0.0.0 and a port the image EXPOSEs ({:?})",
            d.exposes
        )),
    }
    for name in d.env.keys().filter(|name| looks_secret(name)) {
        problems.push(format!(
            "ENV {name}: a secret would be baked into the image"
        ));
    }
    problems
}

/// The `IMAGE_*=value` and `IMAGE_*=( … )` constants at the top of scripts/check-deploy.sh.
fn script_constants(script: &str) -> BTreeMap<String, Vec<String>> {
    let mut constants = BTreeMap::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let value = match value.trim() {
            "(" => lines.by_ref().take_while(|l| l.trim() != ")").collect(),
            value => vec![value],
        };
        if name.starts_with("IMAGE_") {
            constants.insert(name.to_owned(), words(&value.join("\n")));
        }
    }
    constants
}

/// scripts/check-deploy.sh runs the release with the image's paths, user, command and
/// environment, written out as constants: they must be the Dockerfile's.
fn smoke_test_problems(d: &Dockerfile, script: &str) -> Vec<String> {
    let cmd: Vec<String> = serde_json::from_str(&d.cmd).unwrap_or_default();
    let env: Vec<String> = d.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let app_dir = d
        .copies
        .first()
        .map(|(_, dest)| trim_slash(dest).to_owned());
    let dockerfile = [
        ("IMAGE_APP_DIR", app_dir.into_iter().collect()),
        ("IMAGE_WORKDIR", vec![d.workdir.clone()]),
        ("IMAGE_USER", vec![d.user.clone()]),
        ("IMAGE_CMD", cmd),
        ("IMAGE_ENV", env),
    ];
    let constants = script_constants(script);
    let mut problems = Vec::new();
    for (name, mut wanted) in dockerfile {
        let mut found = constants.get(name).cloned().unwrap_or_default();
        found.sort();
        wanted.sort();
        if found != wanted {
            problems.push(format!(
                "scripts/check-deploy.sh has {name}={found:?}, the Dockerfile {wanted:?}"
            ));
        }
    }
    problems
}

fn all_problems(dockerfile: &str, script: &str) -> Vec<String> {
    let d = parse(dockerfile);
    let mut problems = image_problems(&d, RUST_VERSION);
    problems.extend(build_problems(&d));
    problems.extend(runtime_problems(&d));
    problems.extend(smoke_test_problems(&d, script));
    problems
}

#[test]
fn the_dockerfile_builds_with_ci_s_scripts_and_runs_as_check_deploy_does() {
    let problems = all_problems(&read("Dockerfile"), &read("scripts/check-deploy.sh"));
    assert_no_problems("Dockerfile", &problems);
}

#[test]
fn dockerignore_keeps_secrets_and_build_outputs_out() {
    let lets_in = |text: &str| -> Vec<&str> {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let kept_out = [".env", ".git", "target", "node_modules", "data"];
        kept_out
            .into_iter()
            .filter(|p| !lines.contains(p))
            .collect()
    };
    let text = read(".dockerignore");
    assert_eq!(
        lets_in(&text),
        Vec::<&str>::new(),
        ".dockerignore lets these in"
    );
    assert_eq!(lets_in(&broken(&text, "\n.env\n", "\n")), [".env"]);
}

#[test]
fn a_dockerfile_out_of_step_with_the_project_is_refused() {
    let (text, script) = (read("Dockerfile"), read("scripts/check-deploy.sh"));
    for (from, to, expected) in [
        ("rust:1.95-", "rust:1.80-", "not Rust"),
        ("debian:bookworm-", "debian:trixie-", "not the builder's"),
        ("RUN scripts/install-tools.sh", "RUN true", "does not run"),
        ("build-release.sh /dist", "build-release.sh", "absolute"),
        ("builder /dist/", "builder /src/", "copies [\"/src\"]"),
        ("USER 10001:10001", "USER root", "numeric uid"),
        ("EXPOSE 8080", "EXPOSE 80", "EXPOSEs"),
        ("RUST_LOG=info", "SMTP_URL=smtp://u:pw@h", "ENV SMTP_URL"),
        ("WORKDIR /var/lib/quire", "WORKDIR /srv", "IMAGE_WORKDIR"),
    ] {
        assert_reports(&all_problems(&broken(&text, from, to), &script), expected);
    }
    let script = broken(&script, "IMAGE_USER=10001:10001", "IMAGE_USER=1000");
    assert_reports(&all_problems(&text, &script), "IMAGE_USER");
}
