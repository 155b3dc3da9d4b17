FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-osd \
    libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY intake intake
COPY verification verification
COPY tasks tasks
COPY web web
COPY sample_forms sample_forms
RUN pip install --no-cache-dir .
ENV INTAKE_DATA_DIR=/data
VOLUME /data
