//! render.yaml, the Render Blueprint: Quire's image as a web service, wired to a Render
//! database, committing no secret and setting only variables Quire reads.

use std::collections::BTreeSet;

use yaml_rust2::{Yaml, YamlLoader};

use super::{assert_no_problems, assert_reports, broken, looks_secret, quire_reads, read};

fn load(text: &str) -> Result<Yaml, String> {
    let documents = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    documents
        .into_iter()
        .next()
        .ok_or_else(|| "no YAML document".to_owned())
}

/// A YAML list's items; none when it is missing or not a list.
fn items(list: &Yaml) -> &[Yaml] {
    list.as_vec().map_or(&[], Vec::as_slice)
}

fn web_service(blueprint: &Yaml) -> Option<&Yaml> {
    let services = items(&blueprint["services"]);
    services.iter().find(|s| s["type"].as_str() == Some("web"))
}

/// The names the web service's envVars set.
pub(super) fn variables(text: &str) -> Vec<String> {
    let blueprint = load(text).unwrap_or(Yaml::BadValue);
    let web = web_service(&blueprint).unwrap_or(&Yaml::BadValue);
    items(&web["envVars"])
        .iter()
        .filter_map(|var| var["key"].as_str().map(str::to_owned))
        .collect()
}

fn problems(text: &str, reads: &BTreeSet<String>) -> Vec<String> {
    let blueprint = match load(text) {
        Ok(blueprint) => blueprint,
        Err(e) => return vec![format!("render.yaml does not parse: {e}")],
    };
    let Some(web) = web_service(&blueprint) else {
        return vec!["render.yaml has no web service".into()];
    };
    let mut problems = Vec::new();
    for (key, wanted) in [("runtime", "docker"), ("healthCheckPath", "/readyz")] {
        if web[key].as_str() != Some(wanted) {
            problems.push(format!(
                "the web service's {key} is {:?}, not {wanted}",
                web[key]
            ));
        }
    }
    for var in items(&web["envVars"]) {
        let key = var["key"].as_str().unwrap_or("");
        if !reads.contains(key) {
            problems.push(format!("envVars sets {key:?}, which Quire does not read"));
        }
        if looks_secret(key) && !var["value"].is_badvalue() {
            problems.push(format!(
                "{key} has a committed value: use sync: false or fromDatabase"
            ));
        }
    }
    let databases: Vec<&str> = items(&blueprint["databases"])
        .iter()
        .filter_map(|db| db["name"].as_str())
        .collect();
    let database_url = items(&web["envVars"])
        .iter()
        .find(|var| var["key"].as_str() == Some("DATABASE_URL"))
        .map_or(&Yaml::BadValue, |var| &var["fromDatabase"]);
    let from_database = database_url["name"]
        .as_str()
        .is_some_and(|name| databases.contains(&name))
        && database_url["property"].as_str() == Some("connectionString");
    if !from_database {
        problems.push(format!(
            "DATABASE_URL is not the connectionString of a database of the Blueprint ({databases:?})"
        ));
    }
    problems
}

#[test]
fn render_yaml_deploys_the_image_against_its_database() {
    assert_no_problems(
        "render.yaml",
        &problems(&read("render.yaml"), &quire_reads()),
    );
}

#[test]
fn a_wrong_blueprint_is_refused() {
    let text = read("render.yaml");
    let reads = quire_reads();
    for (from, to, expected) in [
        ("runtime: docker", "runtime: python", "runtime"),
        ("Path: /readyz", "Path: /healthz", "/readyz"),
        ("key: LOG_FORMAT", "key: LOG_STYLE", "LOG_STYLE"),
        (
            "SMTP_URL\n        sync: false",
            "SMTP_URL\n        value: x",
            "committed",
        ),
        (
            "property: connectionString",
            "property: host",
            "DATABASE_URL",
        ),
        ("services:\n", "services: [\n", "does not parse"),
    ] {
        assert_reports(&problems(&broken(&text, from, to), &reads), expected);
    }
}
