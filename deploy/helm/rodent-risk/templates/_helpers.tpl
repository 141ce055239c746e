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

{{- define "rodent-risk.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (required "image.tag is required" .Values.image.tag) -}}
{{- end -}}
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
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
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
        - name: RODENT_ARGO_TOKEN
          valueFrom:
            secretKeyRef:
              name: {{ .Values.secrets.argo.name }}
              key: {{ .Values.secrets.argo.key }}
              optional: {{ .Values.secrets.argo.optional }}
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
