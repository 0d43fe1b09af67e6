// A Relay page of target groups that pages backwards, as a component with
// usePaginationFragment would: the fragment is refetchable, its connection
// is marked @connection, and it takes last and before. relay-compiler
// generates TargetGroupsBackwardsPaginationQuery from it, which
// internal/relaytest runs against the server.
import { graphql } from 'relay-runtime';

export const targetGroupsBackwards = graphql`
  fragment TargetGroupsBackwards_query on Query
  @refetchable(queryName: "TargetGroupsBackwardsPaginationQuery")
  @argumentDefinitions(
    last: { type: "Int", defaultValue: 2 }
    before: { type: "String" }
  ) {
    targetGroupsConnection(last: $last, before: $before, orderBy: [{ field: NAME }])
      @connection(key: "TargetGroupsBackwards_targetGroupsConnection") {
      totalCount
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;

export const targetGroupsBackwardsQuery = graphql`
  query TargetGroupsBackwardsQuery {
    ...TargetGroupsBackwards_query
  }
`;

