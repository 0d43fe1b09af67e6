// The same on a node: Relay refetches a Centre through node(id:), so the
// CentreInterventionsBackwardsPaginationQuery it generates pages one
// centre's interventions from the end.
import { graphql } from 'relay-runtime';

export const centreInterventionsBackwards = graphql`
  fragment CentreInterventionsBackwards_centre on Centre
  @refetchable(queryName: "CentreInterventionsBackwardsPaginationQuery")
  @argumentDefinitions(
    last: { type: "Int", defaultValue: 2 }
    before: { type: "String" }
  ) {
    code
    interventionsConnection(last: $last, before: $before)
      @connection(key: "CentreInterventionsBackwards_interventionsConnection") {
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

export const centreInterventionsBackwardsQuery = graphql`
  query CentreInterventionsBackwardsQuery($code: String!) {
    centre(code: $code) {
      ...CentreInterventionsBackwards_centre
    }
  }
`;
