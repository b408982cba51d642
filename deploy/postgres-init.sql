-- One database per participant of the reference deployment (REFERENCE_DEPLOYMENT in
-- src/sanmeasures/exchange/participants.py), on one PostgreSQL server. The postgres image runs this
-- file once, when its data volume is first initialised; the `migrate` service of
-- docker-compose.yml then brings every database to the head of the migration chain.
-- The name is `sanmeasures_` and the participant id in lower case with `:` as `_`
-- (tests/deploy/test_deploy.py checks that these are exactly the node services' databases).

CREATE DATABASE sanmeasures_authority_am;
CREATE DATABASE sanmeasures_authority_by;
CREATE DATABASE sanmeasures_authority_kg;
CREATE DATABASE sanmeasures_authority_kz;
CREATE DATABASE sanmeasures_authority_ru;
CREATE DATABASE sanmeasures_commission;
CREATE DATABASE sanmeasures_supervisory_am_01;
CREATE DATABASE sanmeasures_supervisory_by_01;
CREATE DATABASE sanmeasures_supervisory_kg_01;
CREATE DATABASE sanmeasures_supervisory_kz_01;
CREATE DATABASE sanmeasures_supervisory_ru_01;
