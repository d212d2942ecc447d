//! Scenario tokens: `name[:key=value|:flag]...`, e.g. `pass:score=0.3:hostname=example.com`.

use std::collections::HashMap;

/// A parsed scenario token.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The scenario name (first segment).
    pub name: String,
    params: HashMap<String, String>,
}

impl Scenario {
    /// Parses a token. Never fails: an unknown name answers as an undecodable token.
    pub fn parse(token: &str) -> Scenario {
        let mut parts = token.split(':');
        let name = parts.next().unwrap_or_default().to_string();
        let params = parts
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect();
        Scenario { name, params }
    }

    /// A parameter's raw value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }

    /// A flag (`:once`) or parameter is present.
    pub fn has(&self, key: &str) -> bool {
        self.params.contains_key(key)
    }

    /// A numeric parameter.
    pub fn num<T: std::str::FromStr>(&self, key: &str) -> Option<T> {
        self.get(key).and_then(|v| v.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let s = Scenario::parse("pass:score=0.3:once:id=7");
        assert_eq!(s.name, "pass");
        assert_eq!(s.num::<f64>("score"), Some(0.3));
        assert!(s.has("once"));
        assert_eq!(s.get("id"), Some("7"));
        assert_eq!(Scenario::parse("").name, "");
    }
}
