-- Reviews: a client's rating of an expert with a written comment is shown on the expert's public
-- profile. The expert it is about may report it (once; the reason kept for the operators), and an
-- operator may hide it from the public (audited by the operator feature) and show it again. A
-- hidden review still counts in the expert's rating: the stars were given for a consultation that
-- took place; only the words are withheld.
ALTER TABLE ratings
    ADD COLUMN reported_at   timestamptz,
    ADD COLUMN report_reason text,
    ADD COLUMN report_settled_at timestamptz,
    ADD COLUMN hidden_at     timestamptz;
-- A profile's recent reviews, newest first.
CREATE INDEX ratings_reviews ON ratings (ratee_id, created_at DESC) WHERE comment <> '' AND hidden_at IS NULL;
-- The operators' queue: reports not settled yet.
CREATE INDEX ratings_reported ON ratings (reported_at) WHERE reported_at IS NOT NULL AND report_settled_at IS NULL;
