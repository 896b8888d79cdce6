//! What a GraphQL document may be and ask for, introspection, GraphiQL and persisted queries.

use clap::Args;

/// What a GraphQL document may be and ask for, introspection, GraphiQL and persisted queries.
#[derive(Debug, Clone, Args)]
pub struct QuerySettings {
    /// Largest page a connection field hands out (`first` / `last`).
    #[arg(long, env = "MAX_PAGE_SIZE", default_value_t = 100, global = true)]
    pub max_page_size: u32,

    /// Deepest nesting of fields a query may have.
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = 15, global = true)]
    pub max_query_depth: usize,

    /// Largest query cost; a connection field costs its page size times what it selects.
    #[arg(
        long,
        env = "MAX_QUERY_COMPLEXITY",
        default_value_t = 20_000,
        global = true
    )]
    pub max_query_complexity: usize,

    /// Most aliases in one query.
    #[arg(long, env = "MAX_QUERY_ALIASES", default_value_t = 50, global = true)]
    pub max_query_aliases: usize,

    /// Most directives on one field.
    #[arg(
        long,
        env = "MAX_QUERY_DIRECTIVES",
        default_value_t = 10,
        global = true
    )]
    pub max_query_directives: usize,

    /// Longest query text, in bytes.
    #[arg(long, env = "MAX_QUERY_BYTES", default_value_t = 32 * 1024, global = true)]
    pub max_query_bytes: usize,

    /// Most items in any list a request gives as input (filters, ids).
    #[arg(long, env = "MAX_LIST_ITEMS", default_value_t = 500, global = true)]
    pub max_list_items: usize,

    /// Answer introspection queries and suggest field names in errors; on in development and
    /// off in production when unset.
    #[arg(long, env = "INTROSPECTION", action = clap::ArgAction::Set, global = true)]
    pub introspection: Option<bool>,

    /// Serve the GraphiQL page on `GET /graphql`; on in development and off in production
    /// when unset.
    #[arg(long, env = "GRAPHIQL", action = clap::ArgAction::Set, global = true)]
    pub graphiql: Option<bool>,

    /// Accept automatic persisted queries: a client may send a query's SHA-256 alone once it
    /// has sent the text with it. Registered operations are answered by hash either way.
    #[arg(long, env = "AUTOMATIC_PERSISTED_QUERIES", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub automatic_persisted_queries: bool,

    /// Seconds an automatically persisted query is kept in Redis after it was last sent
    /// (a client whose text expired sends it once more).
    #[arg(
        long,
        env = "PERSISTED_QUERY_TTL_SECS",
        default_value_t = 24 * 3600,
        global = true
    )]
    pub persisted_query_ttl_secs: u64,

    /// Bytes of persisted query texts each instance keeps in memory; the least used are
    /// dropped first.
    #[arg(
        long,
        env = "PERSISTED_QUERY_CACHE_BYTES",
        default_value_t = 16 * 1024 * 1024,
        global = true
    )]
    pub persisted_query_cache_bytes: u64,

    /// Longest query text a client may persist automatically, in bytes.
    #[arg(
        long,
        env = "PERSISTED_QUERY_MAX_BYTES",
        default_value_t = 16 * 1024,
        global = true
    )]
    pub persisted_query_max_bytes: usize,

    /// New query texts one client network may persist per minute (beyond: 429).
    #[arg(
        long,
        env = "PERSISTED_QUERIES_PER_MINUTE",
        default_value_t = 60,
        global = true
    )]
    pub persisted_queries_per_minute: u32,
}
