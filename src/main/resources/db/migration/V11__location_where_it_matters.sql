-- Issue 22: online consultations need no location. A request or an expert gives one where it matters
-- (meeting in person: required, checked here too) and may give one otherwise (it ranks nearer
-- experts first); absent, both columns are null.

ALTER TABLE requests ALTER COLUMN lat DROP NOT NULL, ALTER COLUMN lng DROP NOT NULL;
ALTER TABLE requests ADD CONSTRAINT requests_location_whole CHECK ((lat IS NULL) = (lng IS NULL));
-- An in-person request that fell back to video keeps its location; one made in person has one.
ALTER TABLE requests ADD CONSTRAINT requests_in_person_located CHECK (mode <> 'in_person' OR lat IS NOT NULL);

ALTER TABLE expert_profiles ALTER COLUMN lat DROP NOT NULL, ALTER COLUMN lng DROP NOT NULL;
ALTER TABLE expert_profiles ADD CONSTRAINT expert_profiles_location_whole CHECK ((lat IS NULL) = (lng IS NULL));
ALTER TABLE expert_profiles ADD CONSTRAINT expert_profiles_in_person_located CHECK (NOT ('in_person' = ANY (modes)) OR lat IS NOT NULL);

ALTER TABLE expert_presence ALTER COLUMN lat DROP NOT NULL, ALTER COLUMN lng DROP NOT NULL;
ALTER TABLE expert_presence ADD CONSTRAINT expert_presence_location_whole CHECK ((lat IS NULL) = (lng IS NULL));
ALTER TABLE expert_presence ADD CONSTRAINT expert_presence_in_person_located CHECK (NOT ('in_person' = ANY (modes)) OR lat IS NOT NULL);

-- The distance of an offer whose request or expert has no location is unknown.
ALTER TABLE offers ALTER COLUMN distance_km DROP NOT NULL;
