//! A small, bounded reader of `multipart/form-data` bodies (RFC 7578), enough for the
//! import's upload form: a file field and a few text fields. The whole body is already
//! in memory (its size was limited before); this only splits it into parts. Malformed
//! input is `None`, never a panic.

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part<'a> {
    /// The form field's name.
    pub name: String,
    /// The file name, for a file field.
    pub filename: Option<String>,
    /// The part's content.
    pub data: &'a [u8],
}

/// The most parts a body may have.
const MAX_PARTS: usize = 32;
/// The most bytes of headers a part may have.
const MAX_PART_HEADERS: usize = 8 * 1024;

/// The boundary of a `multipart/form-data` content type, or `None` for another type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim().trim_matches('"');
        (!v.is_empty() && v.len() <= 200).then(|| v.to_owned())
    })
}

/// Position of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let rel = hay.get(i..)?.iter().position(|b| *b == first)?;
        i += rel;
        if hay.get(i..i + needle.len())? == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// A parameter of a `Content-Disposition` header, e.g. `name` in `form-data; name="fil"`.
fn disposition_param(value: &str, param: &str) -> Option<String> {
    // Split on `;` outside quotes.
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in value.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ';' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts.into_iter().skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(param) {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        Some(v.replace("%22", "\"").replace("\\\"", "\""))
    })
}

/// Splits a body into its parts; `None` when it is not a well-formed multipart body.
pub(crate) fn parse<'a>(boundary: &str, body: &'a [u8]) -> Option<Vec<Part<'a>>> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let separator = format!("\r\n--{boundary}");
    let separator = separator.as_bytes();
    let mut at = find(body, delimiter, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        let rest = body.get(at..)?;
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        // Transport padding, then CRLF.
        let line_end = find(body, b"\r\n", at)?;
        if body
            .get(at..line_end)?
            .iter()
            .any(|b| !matches!(b, b' ' | b'\t'))
        {
            return None;
        }
        let headers_start = line_end + 2;
        let headers_end = find(body, b"\r\n\r\n", headers_start)?;
        if headers_end - headers_start > MAX_PART_HEADERS {
            return None;
        }
        let headers = String::from_utf8_lossy(body.get(headers_start..headers_end)?);
        let data_start = headers_end + 4;
        let data_end = find(body, separator, data_start)?;
        let mut name = None;
        let mut filename = None;
        for line in headers.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                name = disposition_param(v, "name");
                filename = disposition_param(v, "filename");
            }
        }
        parts.push(Part {
            name: name?,
            filename,
            data: body.get(data_start..data_end)?,
        });
        if parts.len() > MAX_PARTS {
            return None;
        }
        at = data_end + separator.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_is_read_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----abc").as_deref(),
            Some("----abc")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=utf-8; boundary=\"x y\"").as_deref(),
            Some("x y")
        );
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn parts_are_split() {
        let body = b"preamble\r\n--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XX\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"\xc3\xa6 \\\"1\\\";.csv\"\r\nContent-Type: text/csv\r\n\r\na;b\r\n--X\r\n1;2\r\n--XX--\r\n";
        let parts = parse("XX", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "_csrf");
        assert_eq!(parts[0].filename, None);
        assert_eq!(parts[0].data, b"abc");
        assert_eq!(parts[1].name, "fil");
        assert_eq!(parts[1].filename.as_deref(), Some("æ \"1\";.csv"));
        assert_eq!(parts[1].data, b"a;b\r\n--X\r\n1;2");
    }

    #[test]
    fn malformed_bodies_are_none() {
        assert_eq!(parse("XX", b""), None);
        assert_eq!(parse("XX", b"--XX\r\nno end of headers"), None);
        assert_eq!(
            parse(
                "XX",
                b"--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"
            ),
            None
        );
        assert_eq!(
            parse("XX", b"--XX\r\nContent-Type: text/plain\r\n\r\nx\r\n--XX--"),
            None
        );
        assert_eq!(parse("XX", b"--XX--").map(|p| p.len()), Some(0));
    }
}
