-- Web shop, migration 5: a reporting corner, and access for the reporting team.
--
-- Expected findings:
--   SS401 integer-primary-key                   daily_sales.id is serial: an integer key stops at 2^31
--   SS402 serial-column                         (a note) daily_sales.id: an identity column is the modern form
--   SS403 timestamp-without-time-zone           daily_sales.computed_at: a timestamp without a time zone
--   SS406 float-for-exact-value                 daily_sales.revenue is double precision: money loses cents
--   SS407 money-type                            daily_sales.refunds uses the money type
--   SS408 json-instead-of-jsonb                 (a note) daily_sales.breakdown is json, not jsonb
--   SS501 table-without-primary-key             page_views has no primary key
--   SS503 redundant-index                       (a note) page_views_path_idx is the prefix of another index
--   SS605 superuser-role                        the reporting role is a superuser
--   SS603 password-in-migration                 a password in the migration (masked in every output)
--   SS601 grant-to-public                       everyone may read the sales figures
--   SS602 grant-all-privileges                  (a note) ALL where SELECT would do
--   SS604 security-definer-without-search-path  the function runs as its owner with the caller's search_path

CREATE TABLE daily_sales (
    id serial PRIMARY KEY,
    day date NOT NULL UNIQUE,
    computed_at timestamp NOT NULL,
    revenue double precision NOT NULL,
    refunds money NOT NULL,
    breakdown json NOT NULL
);

CREATE TABLE page_views (
    viewed_at timestamptz NOT NULL,
    path text NOT NULL,
    referrer text
);
CREATE INDEX page_views_path_idx ON page_views (path);
CREATE INDEX page_views_path_viewed_at_idx ON page_views (path, viewed_at);

CREATE ROLE reporting SUPERUSER LOGIN PASSWORD 'Winter2024!';
GRANT SELECT ON daily_sales TO PUBLIC;
GRANT ALL ON page_views TO reporting;

CREATE FUNCTION refresh_daily_sales() RETURNS void
    LANGUAGE sql SECURITY DEFINER
    AS $$ DELETE FROM daily_sales WHERE day = current_date $$;
