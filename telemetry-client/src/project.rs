//! The product's config switch ([`ConfigSwitch`]): a key in a project's configuration file that turns
//! telemetry off. Read by the client itself, before the settings file, with the same distrust of what is at the
//! path as the settings file (`read_small_file`).

use std::io;
use std::path::Path;

use telemetry_schema::{ConfigFormat, ConfigSwitch};

use crate::store::read_small_file;

/// What the project's configuration file says about telemetry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProjectSetting {
    /// No file, no key, or `true`: the project leaves the decision to the other settings.
    Silent,
    /// The key is `false`, or holds something else than a boolean (read as off: whoever wrote it there most
    /// likely meant to switch telemetry off). The text says what was found.
    Off(String),
    /// The file exists but cannot be read or parsed: it might say `false`, so it counts as off. The text says why.
    Unreadable(String),
}

impl ProjectSetting {
    pub(crate) fn turns_off(&self) -> bool {
        !matches!(self, ProjectSetting::Silent)
    }
}

/// Reads `switch` in the file at `path` (the switch's file in the project root).
pub(crate) fn read(switch: &ConfigSwitch, path: &Path) -> ProjectSetting {
    let bytes = match read_small_file(path) {
        Ok(bytes) => bytes,
        Err(err) if matches!(err.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
            return ProjectSetting::Silent;
        }
        Err(err) => return ProjectSetting::Unreadable(err.to_string()),
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return ProjectSetting::Unreadable("it is not UTF-8 text".to_owned());
    };
    match switch.format() {
        ConfigFormat::Toml => match text.parse::<toml::Table>() {
            Ok(table) => walk_toml(switch, &table),
            Err(err) => ProjectSetting::Unreadable(format!("it is not valid TOML ({})", first_line(&err.to_string()))),
        },
        // JSON, and any format added later that this client does not know: fail closed.
        ConfigFormat::Json => match serde_json::from_str::<UniqueKeys>(text) {
            Ok(UniqueKeys(serde_json::Value::Object(object))) => walk_json(switch, &object),
            Ok(_) => ProjectSetting::Unreadable("it is not a JSON object".to_owned()),
            Err(err) => ProjectSetting::Unreadable(format!("it is not valid JSON ({err})")),
        },
        _ => ProjectSetting::Unreadable("this client cannot read its format".to_owned()),
    }
}

/// A JSON value in which no object, at any depth, repeats a key: readers disagree on which of two values counts
/// (serde_json, Python and JavaScript keep the last), and a hand edit may have put `false` first, so a file with
/// a repeated key cannot be read as configuration and fails closed. (TOML refuses repeated keys itself.)
struct UniqueKeys(serde_json::Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, SeqAccess, Visitor};
        use serde_json::Value;

        struct Strict;
        impl<'de> Visitor<'de> for Strict {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E: Error>(self, v: bool) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::Bool(v)))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::from(v)))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::from(v)))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::from(v)))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::from(v)))
            }
            fn visit_unit<E: Error>(self) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
                let mut items = Vec::new();
                while let Some(UniqueKeys(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(UniqueKeys(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<UniqueKeys, A::Error> {
                let mut map = serde_json::Map::new();
                while let Some(key) = access.next_key::<String>()? {
                    if map.contains_key(&key) {
                        return Err(A::Error::custom(format_args!("the key {key:?} appears twice")));
                    }
                    let UniqueKeys(value) = access.next_value()?;
                    map.insert(key, value);
                }
                Ok(UniqueKeys(Value::Object(map)))
            }
        }
        deserializer.deserialize_any(Strict)
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default().trim()
}

/// What a key of the path holds, whatever the file's format.
enum Node<'a, T> {
    Bool(bool),
    /// An object (JSON) or a table (TOML): the path may go on into it.
    Nested(&'a T),
    Other,
}

fn walk_json(switch: &ConfigSwitch, root: &serde_json::Map<String, serde_json::Value>) -> ProjectSetting {
    walk(switch, root, "an object", |object, key| {
        object.get(key).map(|value| match value {
            serde_json::Value::Bool(value) => Node::Bool(*value),
            serde_json::Value::Object(inner) => Node::Nested(inner),
            _ => Node::Other,
        })
    })
}

fn walk_toml(switch: &ConfigSwitch, root: &toml::Table) -> ProjectSetting {
    walk(switch, root, "a table", |table, key| {
        table.get(key).map(|value| match value {
            toml::Value::Boolean(value) => Node::Bool(*value),
            toml::Value::Table(inner) => Node::Nested(inner),
            _ => Node::Other,
        })
    })
}

/// Follows the switch's key path from `root`: a missing key says nothing, `true` says nothing, and anything else
/// at the end (false, another type) or on the way (a value where `nested` was due) turns telemetry off.
fn walk<'a, T>(
    switch: &ConfigSwitch,
    root: &'a T,
    nested: &str,
    get: impl Fn(&'a T, &str) -> Option<Node<'a, T>>,
) -> ProjectSetting {
    let mut current = root;
    let mut segments = switch.key_path().peekable();
    while let Some(segment) = segments.next() {
        let Some(node) = get(current, segment) else {
            return ProjectSetting::Silent;
        };
        if segments.peek().is_none() {
            return match node {
                Node::Bool(true) => ProjectSetting::Silent,
                Node::Bool(false) => ProjectSetting::Off(format!("`{}` is false", switch.key())),
                _ => ProjectSetting::Off(format!("`{}` is not true or false", switch.key())),
            };
        }
        match node {
            Node::Nested(inner) => current = inner,
            _ => return ProjectSetting::Off(format!("`{segment}` is not {nested}, so `{}` is unclear", switch.key())),
        }
    }
    ProjectSetting::Silent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_file(name: &str, content: &str, check: impl FnOnce(&Path)) {
        let dir = std::env::temp_dir().join(format!("tc-project-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        check(&path);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn json_false_at_a_nested_key_turns_telemetry_off_and_true_or_absent_is_silent() {
        let switch = ConfigSwitch::json("tool.json", "tool.acme.telemetry");
        with_file("a.json", r#"{"tool": {"acme": {"telemetry": false}}}"#, |p| {
            assert_eq!(read(&switch, p), ProjectSetting::Off("`tool.acme.telemetry` is false".into()));
        });
        with_file("b.json", r#"{"tool": {"acme": {"telemetry": true}}}"#, |p| {
            assert_eq!(read(&switch, p), ProjectSetting::Silent);
        });
        with_file("c.json", r#"{"tool": {}}"#, |p| assert_eq!(read(&switch, p), ProjectSetting::Silent));
        with_file("d.json", r#"{"tool": {"acme": {"telemetry": "off"}}}"#, |p| assert!(read(&switch, p).turns_off()));
        with_file("e.json", r#"{"tool": 5}"#, |p| assert!(read(&switch, p).turns_off()));
        with_file("f.json", r#"[false]"#, |p| {
            assert!(matches!(read(&switch, p), ProjectSetting::Unreadable(why) if why.contains("not a JSON object")));
        });
        with_file("g.json", r#"{"tool": "#, |p| {
            assert!(matches!(read(&switch, p), ProjectSetting::Unreadable(why) if why.contains("not valid JSON")));
        });
        assert_eq!(read(&switch, Path::new("/nonexistent/dir/tool.json")), ProjectSetting::Silent);
        // A repeated key, at the top or deeper, fails closed: the first may be the `false` a hand edit added.
        for (name, content) in [
            ("h.json", r#"{"tool": {"acme": {"telemetry": false, "telemetry": true}}}"#),
            ("i.json", r#"{"tool": {"acme": {"telemetry": true}}, "tool": {}}"#),
            ("j.json", r#"{"other": [{"x": 1, "x": 2}], "tool": {"acme": {"telemetry": true}}}"#),
        ] {
            with_file(name, content, |p| {
                assert!(
                    matches!(read(&switch, p), ProjectSetting::Unreadable(why) if why.contains("appears twice")),
                    "{content}"
                );
            });
        }
    }

    #[test]
    fn toml_false_turns_telemetry_off_in_a_table_or_with_dotted_keys() {
        let switch = ConfigSwitch::toml("acme.toml", "tool.acme.telemetry");
        with_file("a.toml", "[tool.acme]\ntelemetry = false\n", |p| assert!(read(&switch, p).turns_off()));
        with_file("b.toml", "tool.acme.telemetry = false\n", |p| assert!(read(&switch, p).turns_off()));
        with_file("c.toml", "[tool.acme]\ntelemetry = true\n", |p| {
            assert_eq!(read(&switch, p), ProjectSetting::Silent);
        });
        with_file("d.toml", "name = \"x\"\n", |p| assert_eq!(read(&switch, p), ProjectSetting::Silent));
        with_file("e.toml", "[tool.acme]\ntelemetry = 0\n", |p| assert!(read(&switch, p).turns_off()));
        with_file("g.toml", "[tool.acme]\ntelemetry = false\ntelemetry = true\n", |p| {
            assert!(matches!(read(&switch, p), ProjectSetting::Unreadable(_)), "TOML refuses a repeated key");
        });
        with_file("f.toml", "[tool.acme\ntelemetry = true\n", |p| {
            assert!(matches!(read(&switch, p), ProjectSetting::Unreadable(why) if why.contains("not valid TOML")));
        });
    }

    #[test]
    fn a_directory_or_binary_file_at_the_path_counts_as_off() {
        let switch = ConfigSwitch::json("acme.json", "telemetry");
        assert!(matches!(read(&switch, &std::env::temp_dir()), ProjectSetting::Unreadable(_)));
        with_file("bin.json", "\u{0}\u{FFFF}", |p| assert!(read(&switch, p).turns_off()));
    }
}
