//! A Ghost export (Settings → Labs → Export, or the Admin API's `/db/`): the tables Quire
//! reads, as serde reads them; every other table and field is ignored.

use serde::Deserialize;

/// `{"db": [{"meta": …, "data": …}]}`, or the `{"meta", "data"}` inside it.
#[derive(Deserialize)]
#[serde(untagged)]
enum File {
    Wrapped { db: Vec<Database> },
    Bare(Database),
}

#[derive(Deserialize)]
struct Database {
    #[serde(default)]
    meta: Meta,
    data: Data,
}

#[derive(Debug, Default, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Data {
    #[serde(default)]
    pub posts: Vec<Post>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub posts_tags: Vec<PostTag>,
    #[serde(default)]
    pub posts_authors: Vec<PostAuthor>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Post {
    pub id: String,
    pub title: String,
    pub slug: String,
    pub html: Option<String>,
    pub feature_image: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub visibility: String,
    pub published_at: Option<String>,
    pub created_at: Option<String>,
    pub custom_excerpt: Option<String>,
    /// Ghost 4 and older name a post's one author here.
    pub author_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Tag {
    pub id: String,
    pub name: String,
    pub visibility: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PostTag {
    pub post_id: String,
    pub tag_id: String,
    pub sort_order: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PostAuthor {
    pub post_id: String,
    pub author_id: String,
    pub sort_order: i64,
}

/// Reads an export; says what is wrong with a file that is not one.
pub fn parse(text: &str) -> Result<(Meta, Data), String> {
    let file: File = serde_json::from_str(text).map_err(|e| {
        format!("it is not a Ghost export ({e}): export it from Settings → Labs → Export")
    })?;
    let database = match file {
        File::Wrapped { db } => db.into_iter().next().ok_or("its \"db\" list is empty")?,
        File::Bare(database) => database,
    };
    Ok((database.meta, database.data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_are_read_and_anything_else_is_named() {
        let wrapped = r#"{"db":[{"meta":{"version":"5.1.0"},"data":{"posts":[{"id":"a","title":"T","type":"post"}]}}]}"#;
        let (meta, data) = parse(wrapped).unwrap();
        assert_eq!(
            (meta.version.as_str(), data.posts[0].title.as_str()),
            ("5.1.0", "T")
        );
        let (_, data) = parse(r#"{"data":{"users":[{"id":"1","name":"N"}]}}"#).unwrap();
        assert_eq!(data.users[0].name, "N");
        assert!(parse(r#"{"posts":[]}"#)
            .unwrap_err()
            .contains("not a Ghost export"));
        assert!(parse("[").unwrap_err().contains("not a Ghost export"));
    }
}
