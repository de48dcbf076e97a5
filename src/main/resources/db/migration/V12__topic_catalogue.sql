-- Issue 22: the topic catalogue. Operators define topics (configuration seeds the ones this table
-- does not hold yet; the console and the admin API change them): slug, names in English and
-- Simplified Chinese, prices by mode. A topic's parent is the slug up to its last dot, listed before
-- it; a retired topic stays for what refers to it and is offered to nobody new.
CREATE TABLE topics (
    id          uuid        PRIMARY KEY,
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9_-]{0,31}(\.[a-z][a-z0-9_-]{0,31}){0,3}$' AND length(slug) <= 64),
    parent      text        REFERENCES topics (slug),
    name_en     text        NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    name_zh     text        NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 80),
    -- {"*": 2000} for every mode, or {"chat": 1500, "video": 2500, "in_person": 6000}; {} for none (the parent's).
    prices      jsonb       NOT NULL DEFAULT '{}',
    retired     boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((parent IS NULL) = (position('.' IN slug) = 0)),
    CHECK (parent IS NULL OR left(slug, length(parent) + 1) = parent || '.' AND position('.' IN substr(slug, length(parent) + 2)) = 0)
);
