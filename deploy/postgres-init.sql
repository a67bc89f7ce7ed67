-- One database per service (DESIGN §1): no service reads another's tables.
CREATE DATABASE members;
CREATE DATABASE points;
CREATE DATABASE market;
