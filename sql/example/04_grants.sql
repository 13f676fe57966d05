-- Who may do what in the example workspace (Databricks GRANT syntax). The owner, admin, holds
-- every privilege already. The users are created by `modelsql demo` (`modelsql principals`).
--   analyst:   scores customers with predict_churn
--   bi_reader: reads the prediction view, and nothing underneath it
--   intern:    may look around main.sales, but read nothing
GRANT USE CATALOG ON CATALOG main TO analyst;
GRANT USE SCHEMA ON SCHEMA main.sales TO analyst;
GRANT USE SCHEMA ON SCHEMA main.ml TO analyst;
GRANT SELECT ON TABLE main.sales.customers TO analyst;
GRANT SELECT ON TABLE main.sales.customer_features TO analyst;
GRANT EXECUTE ON FUNCTION main.ml.predict_churn TO analyst;

GRANT USE CATALOG ON CATALOG main TO bi_reader;
GRANT USE SCHEMA ON SCHEMA main.sales TO bi_reader;
GRANT SELECT ON VIEW main.sales.churn_scores TO bi_reader;

GRANT USE CATALOG ON CATALOG main TO intern;
GRANT USE SCHEMA ON SCHEMA main.sales TO intern;
