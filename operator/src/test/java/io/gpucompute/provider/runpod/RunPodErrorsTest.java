package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.provider.ProviderException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The classification of RunPod's answers, as a table. */
class RunPodErrorsTest {

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "401 | InvalidCredentials | Unauthorized",
      "403 | InvalidCredentials | forbidden",
      "429 | RunPodRateLimited  | slow down",
      "500 | RunPodUnavailable  | oops",
      "503 | RunPodUnavailable  | maintenance",
      "400 | RunPodRejected     | bad input",
      "404 | RunPodRejected     | no such thing",
      "400 | NoCapacity         | There are no longer any instances available with the requested specifications."})
  void httpStatuses(int status, String reason, String body) {
    ProviderException e = RunPodErrors.forStatus(status, "{\"errors\":[{\"message\":\"" + body + "\"}]}", "doing x");

    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(body, "doing x");
  }

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(delimiter = '|', value = {
      "There are no longer any instances available with the requested specifications. | NoCapacity          |",
      "There are not enough free GPUs on the host machine to start this pod.           | NoCapacity          |",
      "No GPU instances are currently available                                         | NoCapacity          |",
      "Unauthorized                                                                     | InvalidCredentials  |",
      "whatever                                                                         | InvalidCredentials  | UNAUTHENTICATED",
      "Something went wrong. Please try again later or contact support.               | RunPodInternalError |",
      "boom                                                                             | RunPodInternalError | INTERNAL_SERVER_ERROR",
      "Field 'x' is not defined                                                         | RunPodRejected      | GRAPHQL_VALIDATION_FAILED",
      "gpuCount must be positive                                                        | RunPodRejected      | BAD_USER_INPUT",
      "Pod name already used by a template                                              | RunPodError         |"})
  void graphQlErrors(String message, String reason, String code) throws Exception {
    String extensions = code == null ? "" : ",\"extensions\":{\"code\":\"" + code + "\"}";
    var errors = Json.MAPPER.readTree("[{\"message\":\"" + message + "\"" + extensions + "}]");

    ProviderException e = RunPodErrors.forGraphQlErrors(errors, "doing y");

    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(message, "doing y");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "<html><body>Bad   Gateway</body></html> | <html><body>Bad Gateway</body></html>",
      "{\"title\":\"Not Found\",\"detail\":\"pod not found\"} | Not Found; pod not found",
      "{\"error\":\"request does not exist\"} | request does not exist"})
  void quotesSayWhatABodySays(String body, String said) {
    assertThat(RunPodErrors.quote(body)).isEqualTo(said);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "                               | https://api.runpod.io/graphql | https://api.runpod.io/v2/pods/p1/logs | https://api.runpod.ai/v2/ep/run",
      "http://127.0.0.1:8080          | http://127.0.0.1:8080/graphql | http://127.0.0.1:8080/v2/pods/p1/logs | http://127.0.0.1:8080/v2/ep/run",
      "https://gw.example.com/runpod/ | https://gw.example.com/runpod/graphql | https://gw.example.com/runpod/v2/pods/p1/logs | https://gw.example.com/runpod/v2/ep/run",
      "https://gw.example.com/graphql | https://gw.example.com/graphql | https://gw.example.com/v2/pods/p1/logs | https://gw.example.com/v2/ep/run"})
  void endpointsFollowSpecEndpoint(String base, String graphql, String logs, String run) {
    RunPodEndpoints endpoints = RunPodEndpoints.of(base);

    assertThat(endpoints.graphql()).isEqualTo(graphql);
    assertThat(endpoints.podLogs("p1")).isEqualTo(logs);
    assertThat(endpoints.serverless("ep", "run")).isEqualTo(run);
  }
}
