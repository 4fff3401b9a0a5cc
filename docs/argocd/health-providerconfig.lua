-- Argo CD health check of gpucompute.io ProviderConfig (docs/argocd.md). A ProviderConfig has one condition,
-- Ready (docs/conditions.md): Ready=True for the current generation is Healthy; Ready=False is Degraded, with
-- its reason and message; no status, or one for an older generation, is Progressing.
local hs = {}
hs.status = "Progressing"
hs.message = "waiting for the operator to probe the provider"
if obj.status == nil then
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil
    and (obj.status.observedGeneration == nil or obj.status.observedGeneration < obj.metadata.generation) then
  return hs
end
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" then
      local message = condition.message
      if message == nil then
        message = condition.reason
      elseif condition.reason ~= nil then
        message = condition.reason .. ": " .. message
      end
      if condition.status == "True" then
        hs.status = "Healthy"
        hs.message = message or "ready"
      elseif condition.status == "False" then
        hs.status = "Degraded"
        hs.message = message or "not ready"
      end
      return hs
    end
  end
end
return hs
