//! `application/x-www-form-urlencoded` bodies, escaped by the WHATWG rules
//! (`form_urlencoded`, the crate `url` uses): a token holding `&`, `=`, `+`
//! or `%` reaches the provider as one field, never as extra fields.

pub(crate) fn encode(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_split_or_change_a_field() {
        let body = encode(&[("secret", "s&k=1"), ("response", "a+b %c\u{e9}")]);
        assert_eq!(
            String::from_utf8(body.clone()).unwrap(),
            "secret=s%26k%3D1&response=a%2Bb+%25c%C3%A9"
        );
        let back: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        assert_eq!(back[0], ("secret".into(), "s&k=1".into()));
        assert_eq!(back[1], ("response".into(), "a+b %c\u{e9}".into()));
    }
}
