// Starts GraphiQL against the endpoint that served the page: queries and mutations over
// HTTP, subscriptions over the WebSocket of the same address (graphql-transport-ws).
// `?query=`, `?variables=` and `?operationName=` open the editor with that operation, and
// the address follows the editor, so a link shares what is on screen.
(function () {
  'use strict';
  var here = new URL(window.location.href);
  var endpoint = here.origin + here.pathname;
  var socket = new URL(endpoint);
  socket.protocol = here.protocol === 'https:' ? 'wss:' : 'ws:';
  var params = here.searchParams;

  function remember(name, value) {
    var next = new URL(window.location.href);
    if (value) {
      next.searchParams.set(name, value);
    } else {
      next.searchParams.delete(name);
    }
    window.history.replaceState(null, '', next);
  }

  var fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: socket.href });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery:
        '# Public integration offers, German courses first. Press Ctrl-Enter to run.\n' +
        '{\n  searchOffers(query: "Deutschkurs", first: 5) {\n    totalHits\n' +
        '    hits { offer { title provider { name } } }\n  }\n}\n',
      query: params.get('query') || undefined,
      variables: params.get('variables') || undefined,
      operationName: params.get('operationName') || undefined,
      onEditQuery: function (value) { remember('query', value); },
      onEditVariables: function (value) { remember('variables', value); },
      onEditOperationName: function (value) { remember('operationName', value); },
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }),
  );
})();
