//! The OpenAPI document turned into rows people read: per operation its parameters, request
//! body and responses, and per schema its fields, each type spelled out ("array of
//! CustomerRecord", "string (decimal)") with a link to the schema it names. Pure: no web, no I/O.

use serde::Serialize;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr, Required};

/// The whole document, as the API page shows it.
#[derive(Debug, Clone)]
pub struct DocView {
    /// The API's title.
    pub title: String,
    /// Its version.
    pub version: String,
    /// What it is and what every call shares.
    pub description: Vec<Span>,
    /// The operations in the order the document lists them.
    pub endpoints: Vec<Endpoint>,
    /// The shared schemas, by name.
    pub schemas: Vec<SchemaView>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Anchor on the page (`get-api-v1-customers-id`).
    pub anchor: String,
    /// `GET`.
    pub method: String,
    /// `/api/v1/customers/{id}`.
    pub path: String,
    /// Its group (`customers`).
    pub tag: String,
    /// One line.
    pub summary: Vec<Span>,
    /// More, when there is more.
    pub description: Vec<Span>,
    /// Names of the security schemes it needs.
    pub security: Vec<String>,
    /// Path and query parameters.
    pub params: Vec<Row>,
    /// The request body's type and fields.
    pub body: Option<SchemaView>,
    /// Status, description and type of each answer.
    pub responses: Vec<Row>,
}

/// A schema: its type and, for objects, one row per field.
#[derive(Debug, Clone)]
pub struct SchemaView {
    /// Name (empty for an inline schema).
    pub name: String,
    /// What it is.
    pub description: Vec<Span>,
    /// Its type, spelled out.
    pub ty: Vec<TypePart>,
    /// Its fields.
    pub fields: Vec<Row>,
}

/// One row of a table: a field, a parameter or a response.
#[derive(Debug, Clone)]
pub struct Row {
    /// Field or parameter name, or response status.
    pub name: String,
    /// For parameters: `path` or `query`.
    pub location: String,
    /// Its type, spelled out (empty: no body).
    pub ty: Vec<TypePart>,
    /// Whether it must be sent.
    pub required: bool,
    /// What it means.
    pub description: Vec<Span>,
}

/// A run of prose: plain, or `code` (between backticks in the document).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// Whether it is code.
    pub code: bool,
}

/// `text` cut at its backticks: every second run is code.
pub fn prose(text: &str) -> Vec<Span> {
    text.split('`')
        .enumerate()
        .filter(|(_, run)| !run.is_empty())
        .map(|(i, run)| Span {
            text: run.to_owned(),
            code: i % 2 == 1,
        })
        .collect()
}

/// A piece of a spelled-out type; `link` names the schema it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct TypePart {
    /// Text shown.
    pub text: String,
    /// The schema this part names, if any.
    pub link: Option<String>,
}

fn text(s: &str) -> TypePart {
    TypePart {
        text: s.to_owned(),
        link: None,
    }
}

/// The name a `$ref` points at.
fn ref_name(location: &str) -> String {
    location.rsplit('/').next().unwrap_or(location).to_owned()
}

/// How serde writes a small value (`"date-time"`, `"integer"`).
fn word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// `schema` spelled out.
pub fn type_of(schema: &RefOr<Schema>) -> Vec<TypePart> {
    match schema {
        RefOr::Ref(r) => {
            let name = ref_name(&r.ref_location);
            vec![TypePart {
                link: Some(name.clone()),
                text: name,
            }]
        }
        RefOr::T(schema) => type_of_schema(schema),
    }
}

fn joined(items: &[RefOr<Schema>], sep: &str) -> Vec<TypePart> {
    let mut parts = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            parts.push(text(sep));
        }
        parts.extend(type_of(item));
    }
    parts
}

fn type_of_schema(schema: &Schema) -> Vec<TypePart> {
    match schema {
        Schema::Array(array) => {
            let mut parts = vec![text("array of ")];
            match &array.items {
                ArrayItems::RefOrSchema(items) => parts.extend(type_of(items)),
                ArrayItems::False => parts.push(text("nothing")),
            }
            parts
        }
        Schema::OneOf(one) => joined(&one.items, " or "),
        Schema::AnyOf(any) => joined(&any.items, " or "),
        Schema::AllOf(all) => joined(&all.items, " and "),
        Schema::Object(object) => {
            let types: Vec<&Type> = match &object.schema_type {
                SchemaType::Type(t) => vec![t],
                SchemaType::Array(ts) => ts.iter().collect(),
                SchemaType::AnyValue => return vec![text("any JSON value")],
            };
            let mut parts = Vec::new();
            for t in types.iter().copied().filter(|t| *t != &Type::Null) {
                if !parts.is_empty() {
                    parts.push(text(" or "));
                }
                match (t, &object.additional_properties) {
                    (Type::Object, Some(extra)) => {
                        parts.push(text("map of text to "));
                        match extra.as_ref() {
                            AdditionalProperties::RefOr(value) => parts.extend(type_of(value)),
                            AdditionalProperties::FreeForm(_) => parts.push(text("any JSON value")),
                        }
                    }
                    _ => {
                        let mut name = word(t);
                        if let Some(format) = &object.format {
                            name = format!("{name} ({})", word(format));
                        }
                        parts.push(text(&name));
                    }
                }
            }
            if let Some(values) = &object.enum_values {
                let values: Vec<String> = values.iter().map(ToString::to_string).collect();
                parts.push(text(&format!(": one of {}", values.join(", "))));
            }
            if types.iter().any(|t| **t == Type::Null) {
                parts.push(text(if parts.is_empty() { "null" } else { " or null" }));
            }
            parts
        }
        _ => vec![text("any JSON value")],
    }
}

/// The fields of `schema` (those of a referenced schema, all parts of an `allOf`).
fn fields(doc: &OpenApi, schema: &RefOr<Schema>, depth: u8) -> Vec<Row> {
    if depth > 8 {
        return Vec::new();
    }
    match schema {
        RefOr::Ref(r) => resolve(doc, &r.ref_location)
            .map(|s| fields(doc, s, depth + 1))
            .unwrap_or_default(),
        RefOr::T(Schema::AllOf(all)) => all
            .items
            .iter()
            .flat_map(|item| fields(doc, item, depth + 1))
            .collect(),
        RefOr::T(Schema::Object(object)) => object
            .properties
            .iter()
            .map(|(name, field)| Row {
                name: name.clone(),
                location: String::new(),
                ty: type_of(field),
                required: object.required.contains(name),
                description: description_of(field),
            })
            .collect(),
        RefOr::T(_) => Vec::new(),
    }
}

fn description_of(schema: &RefOr<Schema>) -> Vec<Span> {
    let described = match schema {
        RefOr::T(Schema::Object(o)) => o.description.clone(),
        RefOr::T(Schema::Array(a)) => a.description.clone(),
        RefOr::T(Schema::OneOf(o)) => o.description.clone(),
        RefOr::T(Schema::AllOf(a)) => a.description.clone(),
        RefOr::T(Schema::AnyOf(a)) => a.description.clone(),
        _ => None,
    };
    prose(&described.unwrap_or_default())
}

/// The component schema `#/components/schemas/Name` points at.
pub fn resolve<'d>(doc: &'d OpenApi, location: &str) -> Option<&'d RefOr<Schema>> {
    let name = location.strip_prefix("#/components/schemas/")?;
    doc.components.as_ref()?.schemas.get(name)
}

fn schema_view(doc: &OpenApi, name: &str, schema: &RefOr<Schema>) -> SchemaView {
    let description = match schema {
        RefOr::Ref(r) => resolve(doc, &r.ref_location)
            .map(description_of)
            .unwrap_or_default(),
        RefOr::T(_) => description_of(schema),
    };
    SchemaView {
        name: name.to_owned(),
        description,
        ty: type_of(schema),
        fields: fields(doc, schema, 0),
    }
}

/// `get-api-v1-customers-id` for `GET /api/v1/customers/{id}`.
fn anchor(method: &str, path: &str) -> String {
    let words: Vec<String> = format!("{method} {path}")
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    words.join("-")
}

fn endpoint(doc: &OpenApi, method: &str, path: &str, op: &Operation) -> Endpoint {
    let mut security = Vec::new();
    for requirement in op
        .security
        .as_ref()
        .or(doc.security.as_ref())
        .into_iter()
        .flatten()
    {
        if let Ok(serde_json::Value::Object(names)) = serde_json::to_value(requirement) {
            security.extend(names.keys().cloned());
        }
    }
    let params = op
        .parameters
        .iter()
        .flatten()
        .map(|p| Row {
            name: p.name.clone(),
            location: match p.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            }
            .to_owned(),
            ty: p.schema.as_ref().map(type_of).unwrap_or_default(),
            required: p.required == Required::True,
            description: prose(p.description.as_deref().unwrap_or_default()),
        })
        .collect();
    let body = op.request_body.as_ref().and_then(|body| {
        let schema = body.content.values().find_map(|c| c.schema.as_ref())?;
        let mut view = schema_view(doc, "", schema);
        if let Some(description) = &body.description {
            view.description = prose(description);
        }
        Some(view)
    });
    let responses = op
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let (description, ty) = match response {
                RefOr::T(r) => (
                    r.description.clone(),
                    r.content
                        .values()
                        .find_map(|c| c.schema.as_ref())
                        .map(type_of)
                        .unwrap_or_default(),
                ),
                RefOr::Ref(r) => (String::new(), vec![text(&ref_name(&r.ref_location))]),
            };
            Row {
                name: status.clone(),
                location: String::new(),
                ty,
                required: false,
                description: prose(&description),
            }
        })
        .collect();
    Endpoint {
        anchor: anchor(method, path),
        method: method.to_uppercase(),
        path: path.to_owned(),
        tag: op.tags.iter().flatten().next().cloned().unwrap_or_default(),
        summary: prose(op.summary.as_deref().unwrap_or_default()),
        description: prose(op.description.as_deref().unwrap_or_default()),
        security,
        params,
        body,
        responses,
    }
}

/// `doc` as the page shows it.
pub fn view(doc: &OpenApi) -> DocView {
    let mut endpoints = Vec::new();
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("patch", &item.patch),
            ("delete", &item.delete),
            ("head", &item.head),
            ("options", &item.options),
            ("trace", &item.trace),
        ];
        for (method, op) in operations {
            if let Some(op) = op {
                endpoints.push(endpoint(doc, method, path, op));
            }
        }
    }
    let schemas = doc
        .components
        .iter()
        .flat_map(|c| c.schemas.iter())
        .map(|(name, schema)| schema_view(doc, name, schema))
        .collect();
    DocView {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: prose(doc.info.description.as_deref().unwrap_or_default()),
        endpoints,
        schemas,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelled(parts: &[TypePart]) -> String {
        parts.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn backticks_mark_code() {
        let spans = prose("takes `to`; keeps `from`");
        let code: Vec<(&str, bool)> = spans.iter().map(|s| (s.text.as_str(), s.code)).collect();
        assert_eq!(
            code,
            [
                ("takes ", false),
                ("to", true),
                ("; keeps ", false),
                ("from", true)
            ]
        );
    }

    #[test]
    fn the_document_reads_as_tables() {
        let doc = crate::api::openapi::document();
        let view = view(&doc);
        let patch = view.endpoints.iter().find(|e| e.method == "PATCH").unwrap();
        assert_eq!(patch.path, "/api/v1/customers/{id}");
        assert_eq!(patch.anchor, "patch-api-v1-customers-id");
        assert_eq!(patch.security, ["terminal_token"]);
        assert_eq!(
            (
                patch.params[0].name.as_str(),
                patch.params[0].location.as_str()
            ),
            ("id", "path")
        );
        assert_eq!(spelled(&patch.params[0].ty), "string (uuid)");
        let body = patch.body.as_ref().unwrap();
        assert_eq!(body.ty[0].link.as_deref(), Some("PatchBody"));
        assert_eq!(spelled(&body.fields[0].ty), "map of text to FieldChange");
        let statuses: Vec<&str> = patch.responses.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(statuses, ["200", "400", "401", "404", "422"]);

        let record = view
            .schemas
            .iter()
            .find(|s| s.name == "CustomerRecord")
            .unwrap();
        let field = |name: &str| record.fields.iter().find(|f| f.name == name).unwrap();
        assert_eq!(record.fields[0].name, "id", "declaration order");
        assert_eq!(spelled(&field("credit_limit").ty), "string (decimal)");
        assert_eq!(spelled(&field("updated_at").ty), "string (date-time)");
        assert_eq!(spelled(&field("birthday").ty), "string (date) or null");
        assert!(field("code").required && !field("country_code").required);
        let with_balances = view
            .schemas
            .iter()
            .find(|s| s.name == "CustomerWithBalances")
            .unwrap();
        assert!(with_balances.fields.iter().any(|f| f.name == "code"));
        assert!(with_balances.fields.iter().any(|f| f.name == "balances"));
    }
}
