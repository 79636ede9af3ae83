-- KPI values, one per kpi and month.
CREATE TABLE kpi_records (
    id            BIGSERIAL        PRIMARY KEY,
    kpi           TEXT             NOT NULL,
    period        TEXT             NOT NULL,
    value         DOUBLE PRECISION NOT NULL,
    created_date  TEXT             NOT NULL,
    modified_date TEXT             NOT NULL,
    UNIQUE (kpi, period)
);

-- Facts about the database itself, e.g. that the first start seeded it.
CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
