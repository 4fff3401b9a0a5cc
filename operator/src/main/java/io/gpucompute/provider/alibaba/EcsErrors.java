package io.gpucompute.provider.alibaba;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ServerException;
import io.gpucompute.provider.ProviderException;
import java.util.Set;

/**
 * Maps what the Alibaba SDK throws onto the provider error taxonomy: credential and signature errors make the
 * ProviderConfig not ready, stock errors queue the job, throttling, 5xx and timeouts are retried (with the same
 * ClientToken), and {@code IdempotentParameterMismatch} stops the attempt for good. Messages carry the error code,
 * Alibaba's message and the RequestId, never a credential.
 */
final class EcsErrors {

  /** Error codes that reject the key pair or its signature. */
  static final Set<String> CREDENTIALS = Set.of("InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive",
      "InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidSecurityToken.Expired",
      "InvalidSecurityToken.Malformed", "InvalidSecurityToken.MismatchWithAccessKey", "SDK.InvalidAccessKeySecret",
      "SDK.InvalidAccessSecret", "SDK.InvalidProfile", "Forbidden.RAM", "Forbidden.AccessKeyDisabled");

  /** Error codes that mean no stock of that instance type in that zone now. */
  static final Set<String> NO_STOCK = Set.of("OperationDenied.NoStock", "Zone.NotOnSale",
      "InvalidResourceType.NotSupported", "OperationDenied.ZoneNotAllowed", "InvalidInstanceType.ValueNotSupported",
      "QuotaExceed.PostPaidInstance", "QuotaExceed.ElasticQuota");

  /** Error codes that pass: throttling and service errors that come back as 4xx. */
  static final Set<String> TRANSIENT = Set.of("Throttling", "Throttling.User", "Throttling.Api",
      "ServiceUnavailable", "InternalError", "UnknownError", "SignatureNonceUsed", "InvalidTimeStamp.Expired",
      "LastTokenProcessing", "OperationConflict", "IncorrectInstanceStatus.Initializing");

  /** The code of a same ClientToken sent with other parameters. */
  static final String IDEMPOTENT_MISMATCH = "IdempotentParameterMismatch";

  private EcsErrors() {}

  /** The error of {@code action} as a provider exception. */
  static ProviderException map(String action, ClientException e) {
    String code = e.getErrCode() == null ? "" : e.getErrCode();
    String text = action + " failed: " + describe(e);
    if (e instanceof ServerException || code.startsWith("Throttling") || TRANSIENT.contains(code)) {
      return new ProviderException.Transient(code.startsWith("Throttling") ? "Throttled" : "ProviderUnavailable",
          text, e);
    }
    if (CREDENTIALS.contains(code) || code.startsWith("InvalidAccessKeyId")) {
      return new ProviderException.InvalidCredentials(text, e);
    }
    if (NO_STOCK.contains(code) || code.endsWith(".NoStock")) {
      return new ProviderException.NoCapacity(text);
    }
    if (IDEMPOTENT_MISMATCH.equals(code)) {
      return new ProviderException.InvalidRequest(IDEMPOTENT_MISMATCH, text + " (the attempt's ClientToken was "
          + "already used with other parameters, for example after spec.alibaba changed; the operator never "
          + "makes up a new token: delete the instance tagged with this workload, or resubmit the job)");
    }
    if (code.startsWith("SDK.")) {
      // SDK.ServerUnreachable, SDK.ReadTimeout, SDK.RequestTryOrRetryFailed...: the request may or may not have
      // arrived; retried with the same ClientToken.
      return new ProviderException.Transient("ProviderUnreachable", text, e);
    }
    return new ProviderException.InvalidRequest("ProviderRejected", text);
  }

  /** Code, message and RequestId, without what the gateway appends after the message (its string to sign). */
  static String describe(ClientException e) {
    String message = e.getErrMsg() == null ? "" : e.getErrMsg();
    int cut = message.indexOf("server string to sign");
    if (cut >= 0) {
      message = message.substring(0, cut).strip();
    }
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return e.getErrCode() + ": " + message + (e.getRequestId() == null ? "" : " (RequestId " + e.getRequestId() + ")");
  }
}
