//! Secrets shown masked: a connection string or URL without its password, and the password
//! itself found (to mask it wherever else it shows, as in logs). Pure text work, no IO.

/// A connection string without its password, in either form PostgreSQL takes: a URL
/// (`postgres://user:pw@host/db?password=pw` → `postgres://user:******@host/db?password=******`;
/// any URL's user info likewise) or key=value words (`host=h password=pw`, `password = 'p w'`
/// → `password=******`).
#[must_use]
pub fn url_without_password(url: &str) -> String {
    if url.contains("://") {
        uri_without_password(url)
    } else {
        words_without_password(url)
    }
}

/// The key=value form (libpq's conninfo): each `password` value, quoted or not, masked.
fn words_without_password(text: &str) -> String {
    let mut shown = String::new();
    let mut rest = text;
    while let Some((head, _, value_end)) = password_value(rest) {
        shown.push_str(&head);
        shown.push_str("******");
        rest = &rest[value_end..];
    }
    shown.push_str(rest);
    shown
}

/// In key=value words, the first `password` value: the text up to it (with `password=`), where
/// the value starts, and where it ends.
fn password_value(text: &str) -> Option<(String, usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("password") {
        let at = from + found;
        let starts_word = at == 0 || text[..at].ends_with(char::is_whitespace);
        let after = &text[at + "password".len()..];
        let spaced = after.trim_start();
        if starts_word && let Some(value) = spaced.strip_prefix('=') {
            let value = value.trim_start();
            let value_at = text.len() - value.len();
            let value_end = if let Some(quoted) = value.strip_prefix('\'') {
                // Quoted: up to the closing quote; \' and \\ are escapes inside.
                let mut end = None;
                let mut escaped = false;
                for (index, c) in quoted.char_indices() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '\'' => {
                            end = Some(index + 1);
                            break;
                        }
                        _ => {}
                    }
                }
                value_at + 1 + end.unwrap_or(quoted.len())
            } else {
                value_at + value.find(char::is_whitespace).unwrap_or(value.len())
            };
            return Some((format!("{}password=", &text[..at]), value_at, value_end));
        }
        from = at + "password".len();
    }
    None
}

/// The URL form: the user info's password and a `password` query value masked.
fn uri_without_password(url: &str) -> String {
    let (main, query) = url.split_once('?').unwrap_or((url, ""));
    let main = match main.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user_info, host)) => {
                let user = user_info
                    .split_once(':')
                    .map_or(user_info, |(user, _)| user);
                let masked = if user_info.contains(':') {
                    ":******"
                } else {
                    ""
                };
                format!("{scheme}://{user}{masked}@{host}")
            }
            None => main.to_owned(),
        },
        None => main.to_owned(),
    };
    let query: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=******"),
            _ => pair.to_owned(),
        })
        .collect();
    if query.is_empty() {
        main
    } else {
        format!("{main}?{}", query.join("&"))
    }
}

/// The password in a connection string: in a URL's user info or query, or a key=value word.
#[must_use]
pub fn password_in(url: &str) -> Option<&str> {
    if !url.contains("://") {
        return password_value(url).map(|(_, at, end)| {
            let value = &url[at..end];
            value
                .strip_prefix('\'')
                .and_then(|quoted| quoted.strip_suffix('\''))
                .unwrap_or(value)
        });
    }
    let (main, query) = url.split_once('?').unwrap_or((url, ""));
    let in_query = query.split('&').find_map(|pair| {
        pair.split_once('=')
            .filter(|(name, _)| name.eq_ignore_ascii_case("password"))
            .map(|(_, value)| value)
    });
    let in_user_info = main
        .split_once("://")
        .and_then(|(_, rest)| rest.rsplit_once('@'))
        .and_then(|(user_info, _)| user_info.split_once(':'))
        .map(|(_, password)| password);
    in_user_info.or(in_query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_connection_string_loses_its_password() {
        for (given, shown) in [
            (
                "host=10.0.0.5 user=till password=s3cret dbname=shop",
                "host=10.0.0.5 user=till password=****** dbname=shop",
            ),
            (
                "host=h password = 's3 cr\\'et' dbname=shop",
                "host=h password=****** dbname=shop",
            ),
            ("PASSWORD=s3cret", "password=******"),
            ("host=h passwordless=1", "host=h passwordless=1"),
            (
                "https://owner:hunter22@pay.example.com:8443",
                "https://owner:******@pay.example.com:8443",
            ),
        ] {
            assert_eq!(url_without_password(given), shown, "{given}");
        }
        assert_eq!(
            password_in("host=h password='s3 cr' dbname=x"),
            Some("s3 cr")
        );
        assert_eq!(password_in("host=h password=s3cret"), Some("s3cret"));
        assert_eq!(
            password_in("https://owner:hunter22@pay.example.com"),
            Some("hunter22")
        );
    }

    #[test]
    fn a_store_url_loses_its_password_and_keeps_the_rest() {
        assert_eq!(
            url_without_password("postgres://till:s3cret@10.0.0.5:5432/shop?sslmode=require"),
            "postgres://till:******@10.0.0.5:5432/shop?sslmode=require"
        );
        assert_eq!(
            url_without_password("postgres://10.0.0.5/shop?user=till&password=s3cret"),
            "postgres://10.0.0.5/shop?user=till&password=******"
        );
        assert_eq!(
            url_without_password("postgres://till@host/shop"),
            "postgres://till@host/shop"
        );
    }
}
