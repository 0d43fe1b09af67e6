// Package neo4jstore is orggraph's store of record: the graph in Neo4j 5,
// read and written with neo4j-go-driver v5. All Cypher lives in this package.
// Every value is a parameter; labels and relationship types, which Cypher
// cannot take as parameters, come only from domain's closed lists. Driver
// errors become domain errors whose text carries no driver or Cypher detail.
package neo4jstore
