-- One database per service (DESIGN §1), each owned by that service's own role: no service can read,
-- let alone change, another's tables, and none connects as the superuser. Run once, by the postgres
-- image on its first start; the passwords come from the container's environment (deploy/.env).
\getenv members_password MEMBERS_DB_PASSWORD
\getenv points_password POINTS_DB_PASSWORD
\getenv market_password MARKET_DB_PASSWORD

CREATE ROLE jifen_members LOGIN PASSWORD :'members_password';
CREATE ROLE jifen_points LOGIN PASSWORD :'points_password';
CREATE ROLE jifen_market LOGIN PASSWORD :'market_password';

CREATE DATABASE members OWNER jifen_members;
CREATE DATABASE points OWNER jifen_points;
CREATE DATABASE market OWNER jifen_market;

-- PUBLIC may connect to any new database by default: only the owner (and the superuser) may now.
REVOKE ALL ON DATABASE members FROM PUBLIC;
REVOKE ALL ON DATABASE points FROM PUBLIC;
REVOKE ALL ON DATABASE market FROM PUBLIC;
