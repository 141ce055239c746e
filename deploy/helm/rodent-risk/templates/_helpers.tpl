{{- define "rodent-risk.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rodent-risk.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "rodent-risk.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "rodent-risk.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "rodent-risk.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rodent-risk.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "rodent-risk.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "rodent-risk.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: rodent-risk
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "rodent-risk.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "rodent-risk.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* repository:tag, pinned as repository:tag@sha256:... when a digest is set (releases set both together). */}}
{{- define "rodent-risk.image" -}}
{{- $ref := printf "%s:%s" .Values.image.repository (required "image.tag is required" .Values.image.tag) -}}
{{- if .Values.image.digest -}}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" .Values.image.digest) -}}
{{- fail (printf "image.digest must be sha256:<64 hex digits>, got %q" .Values.image.digest) -}}
{{- end -}}
{{- $ref = printf "%s@%s" $ref .Values.image.digest -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* The model the pods of this template serve: a running canary (values-canary.yaml) overrides the environment's. */}}
{{- define "rodent-risk.modelUri" -}}
{{- $uri := default (required "model.uri is required (models:/rodent-risk@champion or models:/rodent-risk/<N>)" .Values.model.uri) .Values.canary.modelUri -}}
{{- if not (regexMatch "^models:/[^/@]+(@[A-Za-z0-9_-]+|/[0-9]+)$" $uri) -}}
{{- fail (printf "model.uri / canary.modelUri must be models:/NAME@ALIAS or models:/NAME/VERSION, got %q" $uri) -}}
{{- end -}}
{{- $uri -}}
{{- end -}}

{{/* The pod template shared by the Deployment and the Rollout. */}}
{{- define "rodent-risk.podTemplate" -}}
metadata:
  labels:
    {{- include "rodent-risk.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/part-of: rodent-risk
  annotations:
    # A config change rolls the pods (and, in production, starts a canary with analysis).
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
spec:
  serviceAccountName: {{ include "rodent-risk.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  {{- if lt (int .Values.terminationGracePeriodSeconds) (add (int .Values.drain.preStopSeconds) 15) }}
  {{- fail "terminationGracePeriodSeconds must exceed drain.preStopSeconds by at least 15 s (the service's own drain)" }}
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with .Values.topologySpread }}
  {{- if .enabled }}
  # Spread replicas over zones and nodes, so that losing one does not take the service down.
  topologySpreadConstraints:
    {{- range .constraints }}
    - maxSkew: {{ .maxSkew }}
      topologyKey: {{ .topologyKey }}
      whenUnsatisfiable: {{ .whenUnsatisfiable }}
      labelSelector:
        matchLabels:
          {{- include "rodent-risk.selectorLabels" $ | nindent 10 }}
      matchLabelKeys: [pod-template-hash, rollouts-pod-template-hash]
    {{- end }}
  {{- end }}
  {{- end }}
  containers:
    - name: rodent-risk
      image: {{ include "rodent-risk.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args: ["serve"]
      ports:
        - name: http
          containerPort: {{ .Values.service.targetPort }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "rodent-risk.fullname" . }}
      env:
        # The model is part of the pod template, not of the shared ConfigMap: each ReplicaSet keeps the model it
        # was created with, so a stable pod started after a canary abort (HPA, restart, scale-up) still serves the
        # champion, and the canary analysis sees every candidate pod under the canary's pod-template hash.
        - name: RODENT_MODEL_URI
          value: {{ include "rodent-risk.modelUri" . | quote }}
        - name: AWS_ACCESS_KEY_ID
          valueFrom:
            secretKeyRef:
              name: {{ .Values.secrets.s3.name }}
              key: {{ .Values.secrets.s3.accessKeyIdKey }}
        - name: AWS_SECRET_ACCESS_KEY
          valueFrom:
            secretKeyRef:
              name: {{ .Values.secrets.s3.name }}
              key: {{ .Values.secrets.s3.secretAccessKeyKey }}
        - name: MLFLOW_TRACKING_TOKEN
          valueFrom:
            secretKeyRef:
              name: {{ .Values.secrets.mlflow.name }}
              key: {{ .Values.secrets.mlflow.tokenKey }}
              optional: {{ .Values.secrets.mlflow.optional }}
        - name: RODENT_ADMIN_TOKEN
          valueFrom:
            secretKeyRef:
              name: {{ .Values.secrets.admin.name }}
              key: {{ .Values.secrets.admin.key }}
              optional: {{ .Values.secrets.admin.optional }}
      livenessProbe:
        httpGet:
          path: {{ .Values.probes.liveness.path }}
          port: http
        initialDelaySeconds: {{ .Values.probes.liveness.initialDelaySeconds }}
        periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: {{ .Values.probes.readiness.path }}
          port: http
        initialDelaySeconds: {{ .Values.probes.readiness.initialDelaySeconds }}
        periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
      startupProbe:
        httpGet:
          path: {{ .Values.probes.startup.path }}
          port: http
        periodSeconds: {{ .Values.probes.startup.periodSeconds }}
        failureThreshold: {{ .Values.probes.startup.failureThreshold }}
      lifecycle:
        # Keep serving while the endpoint removal reaches every proxy and load balancer, then SIGTERM starts the
        # service's own drain (readiness off, in-flight requests finished). exec sleep: works on Kubernetes 1.27+.
        preStop:
          exec:
            command: ["sleep", "{{ .Values.drain.preStopSeconds }}"]
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: home
          mountPath: /data
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: home
      emptyDir:
        sizeLimit: {{ .Values.home.sizeLimit }}
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmp.sizeLimit }}
{{- end -}}
